import type { ChangedBy, FieldChange, NormalizedPolicy } from "../model/types.js";
import { asChangedBy, ownerOf } from "../normalize/managed-fields.js";

/**
 * Who made this drift: for a modified policy the manager that owns the drifted fields (managedFields), for
 * anything else — or when no one owns them, e.g. a field that was removed — the newest entry.
 */
export function changedByFor(live: NormalizedPolicy, changes: FieldChange[]): ChangedBy | undefined {
  if (changes.length > 0 && live.managers) {
    const owner = ownerOf(
      live.managers,
      changes.map((c) => fieldPath(c.path)),
    );
    if (owner) return asChangedBy(owner);
  }
  return live.changedBy;
}

/** `spec.ingress[0].from[1]` → ["spec", "ingress", "from"]; `metadata.labels["a.b/c"]` → [..., "a.b/c"]. */
export function fieldPath(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
    // list indexes are dropped: managedFields of atomic lists own the whole list
  }
  return out;
}
