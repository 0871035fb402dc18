import { createHash } from "node:crypto";
import type { DriftItem } from "../../model/types.js";

// The fingerprint is the idempotency key of the nightly run: same drift, same hash, nothing new written.
// It covers what drifted and how (state, key, field changes, the normalised diff) and nothing that moves
// on its own: not generatedAt, not who changed it or when (managedFields time shifts on no-op applies).

/** sha256 hex over the drift items, sorted by namespace/name, in a canonical JSON form. */
export function fingerprint(drift: readonly DriftItem[]): string {
  const items = [...drift]
    .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.state, b.state))
    .map((d) => ({
      state: d.state,
      namespace: d.namespace,
      name: d.name,
      changes: [...d.changes].sort((a, b) => cmp(a.path, b.path)).map((c) => canonical({ path: c.path, desired: c.desired, live: c.live })),
      diff: d.diff.trimEnd(),
    }));
  return createHash("sha256").update(JSON.stringify(canonical(items))).digest("hex");
}

/** The fingerprint of "no drift": what a resolution record holds. */
export const NO_DRIFT = fingerprint([]);

export function shortFingerprint(fp: string): string {
  return fp.slice(0, 12);
}

/** Objects with sorted keys, so equal values hash equal whatever order they were built in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
