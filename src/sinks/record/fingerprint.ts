import { createHash } from "node:crypto";
import type { DriftItem } from "../../model/types.js";
import { sortKeys } from "../../normalize/canonical.js";

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
      changes: [...d.changes]
        .sort((a, b) => cmp(a.path, b.path))
        .map((c) => sortKeys({ path: c.path, desired: c.desired, live: c.live })),
      diff: d.diff.trimEnd(),
    }));
  return createHash("sha256")
    .update(JSON.stringify(sortKeys(items)))
    .digest("hex");
}

/** The fingerprint of "no drift": what a resolution record holds. */
export const NO_DRIFT = fingerprint([]);

export function shortFingerprint(fp: string): string {
  return fp.slice(0, 12);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
