import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import type { NormalizedPolicy } from "../model/types.js";
import { comparable } from "../normalize/policy.js";
import { alignLive } from "./align.js";

/** The normalised policy as YAML, the form every diff and record shows. */
export function policyYaml(policy: NormalizedPolicy | undefined): string {
  return policy ? toYaml(comparable(policy)) : "";
}

/**
 * Unified diff desired → live of the normalised YAML; an absent side is an empty file. The live side is put
 * in desired's list order first (as for the field changes): an edit that moves a rule in the canonical sort
 * would otherwise show as whole rules removed and re-added.
 */
export function unifiedDiff(desired: NormalizedPolicy | undefined, live: NormalizedPolicy | undefined): string {
  const key = `${(desired ?? live)?.namespace}/${(desired ?? live)?.name}`;
  const liveYaml =
    desired && live ? toYaml(withoutHoles(alignLive(comparable(desired), comparable(live)))) : policyYaml(live);
  return createTwoFilesPatch(`desired/${key}`, `live/${key}`, policyYaml(desired), liveYaml, undefined, undefined, {
    context: 3,
  }).replace(/^=+\n/m, "");
}

function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

// alignLive leaves `undefined` where a desired element has no live counterpart; YAML would print it as null.
function withoutHoles(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(withoutHoles);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutHoles(v)]));
  }
  return value;
}
