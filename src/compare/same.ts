import type { NormalizedPolicy } from "../model/types.js";
import { comparable } from "../normalize/policy.js";

// Most pairs are in sync. Both sides come out of the same normaliser, which builds every object in one key
// order and sorts every set, so equal policies serialise to equal JSON: one string comparison settles a pair
// before any deep diff. Unequal strings only mean "look closer" (deep-diff decides), so a key order the
// normaliser did not fix can cost time, never a false verdict.

/** The comparable part as one string; equal strings mean equal policies. */
export function canonicalForm(p: NormalizedPolicy): string {
  return JSON.stringify(comparable(p));
}

/** True when the comparable parts are the same objects (see `shareInSync`) or serialise the same. */
export function sameComparable(d: NormalizedPolicy, l: NormalizedPolicy): boolean {
  if (d.namespace !== l.namespace || d.name !== l.name) return false;
  if (d.spec === l.spec && d.labels === l.labels && d.annotations === l.annotations) return true;
  return canonicalForm(d) === canonicalForm(l);
}

/**
 * A live policy that equals its desired counterpart gets the desired one's labels, annotations and spec
 * (the same objects): tens of thousands of in-sync policies are then held once, not twice, and the compare
 * that follows settles them by identity. Returns a new array; the policies passed in are not changed.
 */
export function shareInSync(desired: NormalizedPolicy[], live: NormalizedPolicy[]): NormalizedPolicy[] {
  const byKey = new Map(desired.map((p) => [`${p.namespace}/${p.name}`, p]));
  return live.map((l) => {
    const d = byKey.get(`${l.namespace}/${l.name}`);
    if (!d || !sameComparable(d, l)) return l;
    return { ...l, labels: d.labels, annotations: d.annotations, spec: d.spec };
  });
}
