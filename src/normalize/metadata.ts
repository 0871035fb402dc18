import type { NormalizeOptions } from "../model/types.js";
import { labelValue } from "./canonical.js";
import { isRecord } from "../util/values.js";
import { globMatch } from "../util/glob.js";

// Written by kubectl on every client-side apply; it is a copy of the manifest, never part of the policy.
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export function normalizeLabels(raw: unknown, opts: NormalizeOptions): Record<string, string> {
  return pickStrings(raw, (key) => !opts.ignoreLabels.some((p) => globMatch(p, key)));
}

export function normalizeAnnotations(raw: unknown, opts: NormalizeOptions): Record<string, string> {
  return pickStrings(raw, (key) => key !== LAST_APPLIED && opts.compareAnnotations.some((p) => globMatch(p, key)));
}

function pickStrings(raw: unknown, keep: (key: string) => boolean): Record<string, string> {
  if (!isRecord(raw)) return NONE;
  let out: Record<string, string> | undefined;
  for (const key of Object.keys(raw).sort()) {
    if (!keep(key)) continue;
    out ??= {};
    out[key] = labelValue(raw[key]);
  }
  return out ?? NONE;
}

// Most policies keep no annotation, many no label: one (frozen) empty map for all of them, not 100,000.
const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;
