import type { ChangedBy, NormalizeOptions } from "../model/types.js";
import { asArray, globMatch, isRecord, labelValue } from "./canonical.js";

// Written by kubectl on every client-side apply; it is a copy of the manifest, never part of the policy.
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export function normalizeLabels(raw: unknown, opts: NormalizeOptions): Record<string, string> {
  return pickStrings(raw, (key) => !opts.ignoreLabels.some((p) => globMatch(p, key)));
}

export function normalizeAnnotations(raw: unknown, opts: NormalizeOptions): Record<string, string> {
  return pickStrings(raw, (key) => key !== LAST_APPLIED && opts.compareAnnotations.some((p) => globMatch(p, key)));
}

function pickStrings(raw: unknown, keep: (key: string) => boolean): Record<string, string> {
  if (!isRecord(raw)) return {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(raw).sort()) if (keep(key)) out[key] = labelValue(raw[key]);
  return out;
}

/** Who touched the object last: the managedFields entry with the newest time (later entries win ties). */
export function lastChangedBy(managedFields: unknown): ChangedBy | undefined {
  let best: ChangedBy | undefined;
  for (const entry of asArray(managedFields)) {
    if (!isRecord(entry) || typeof entry.manager !== "string") continue;
    const candidate: ChangedBy = { manager: entry.manager, operation: String(entry.operation ?? "") };
    const time = timeString(entry.time);
    if (time) candidate.time = time;
    if (!best || (candidate.time ?? "") >= (best.time ?? "")) best = candidate;
  }
  return best;
}

// client-node may hand us Date objects (typed client) or RFC 3339 strings (raw JSON); keep the string form.
function timeString(value: unknown): string | undefined {
  const text = value instanceof Date ? value.toISOString() : typeof value === "string" ? value : "";
  return text ? text.replace(/\.000Z$/, "Z") : undefined;
}
