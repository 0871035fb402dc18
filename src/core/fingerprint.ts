import type { DriftItem } from "../model/types.js";
import { sortKeys } from "../normalize/canonical.js";
import { cmp } from "../util/compare.js";
import { sha256 } from "../util/hash.js";

// The fingerprint is the idempotency key of the nightly run: same drift, same hash, nothing new written.
// It covers what drifted and how — state, key, the field changes and the canonical comparable objects of both
// sides (`DriftItem.hash`, compare/compare.ts) — and nothing that is presentation (the unified diff, whose form
// belongs to the `yaml` and `diff` libraries) or that moves on its own (generatedAt, who changed it or when).

/** The fingerprint version records carry in `record.fingerprintVersion`. */
export const FINGERPRINT_VERSION = 2;

/** sha256 hex over the drift items, sorted by namespace/name, in a canonical JSON form. */
export function fingerprint(drift: readonly DriftItem[]): string {
  return hashItems(drift, (d) => ({ ...base(d), objects: d.hash ?? null }));
}

/**
 * The fingerprint records written before version 2 carry: it hashed the unified diff. Only computed to
 * recognise such a record, so the first run after the upgrade does not announce unchanged drift as changed.
 */
export function legacyFingerprint(drift: readonly DriftItem[]): string {
  return hashItems(drift, (d) => ({ ...base(d), diff: d.diff.trimEnd() }));
}

/** The fingerprint of "no drift", what a resolution record holds: the same in both versions. */
export const NO_DRIFT = fingerprint([]);

/** True when the record's fingerprint says the same drift as `drift`, whichever version wrote it. */
export function sameDrift(
  record: { fingerprint: string; fingerprintVersion?: number },
  drift: readonly DriftItem[],
  fp: string,
): boolean {
  if (record.fingerprint === fp) return true;
  return record.fingerprintVersion === undefined && record.fingerprint === legacyFingerprint(drift);
}

function base(d: DriftItem) {
  return {
    state: d.state,
    namespace: d.namespace,
    name: d.name,
    changes: [...d.changes]
      .sort((a, b) => cmp(a.path, b.path))
      .map((c) => sortKeys({ path: c.path, desired: c.desired, live: c.live })),
  };
}

function hashItems(drift: readonly DriftItem[], form: (d: DriftItem) => object): string {
  const items = [...drift]
    .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.state, b.state))
    .map(form);
  return sha256(JSON.stringify(sortKeys(items)));
}
