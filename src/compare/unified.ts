import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import type { NormalizedPolicy } from "../model/types.js";
import { comparable } from "../normalize/policy.js";

/** The normalised policy as YAML, the form every diff and record shows. */
export function policyYaml(policy: NormalizedPolicy | undefined): string {
  return policy ? stringify(comparable(policy), { lineWidth: 0 }) : "";
}

/** Unified diff desired → live of the normalised YAML; an absent side is an empty file. */
export function unifiedDiff(desired: NormalizedPolicy | undefined, live: NormalizedPolicy | undefined): string {
  const key = `${(desired ?? live)?.namespace}/${(desired ?? live)?.name}`;
  return createTwoFilesPatch(`desired/${key}`, `live/${key}`, policyYaml(desired), policyYaml(live), undefined, undefined, {
    context: 3,
  }).replace(/^=+\n/m, "");
}
