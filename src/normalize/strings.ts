import type { NormalizedPolicy } from "../model/types.js";

// V8 keeps a substring of 13+ characters as a view into the string it was cut from. A name or a label value
// out of JSON.parse (a page of the live list, a 200 MB capture) or out of the YAML parser (a desired file)
// then keeps that whole source text alive for as long as the normalised policy lives. Tens of thousands of
// policies repeat the same few hundred values, so one flat copy of each is shared by all of them.

/** One flat copy per distinct string, for one run. */
export class StringTable {
  private readonly seen = new Map<string, string>();

  get size(): number {
    return this.seen.size;
  }

  intern(s: string): string {
    if (s.length < 13) return s; // short substrings are copied by V8 already
    let flat = this.seen.get(s);
    if (flat === undefined) {
      // Concatenation makes a new flat string; the slice of it views that copy, not the source.
      flat = (" " + s).slice(1);
      this.seen.set(flat, flat);
    }
    return flat;
  }
}

/** Replaces every string value (and managedFields path) of a normalised policy by its shared copy, in place. */
export function internPolicy(policy: NormalizedPolicy, table: StringTable): NormalizedPolicy {
  policy.namespace = table.intern(policy.namespace);
  policy.name = table.intern(policy.name);
  internDeep(policy.labels, table);
  internDeep(policy.annotations, table);
  internDeep(policy.spec, table);
  internDeep(policy.origin, table);
  if (policy.changedBy) internDeep(policy.changedBy, table);
  if (policy.managers) internDeep(policy.managers, table);
  return policy;
}

function internDeep(value: unknown, table: StringTable): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === "string") value[i] = table.intern(v);
      else if (v !== null && typeof v === "object") internDeep(v, table);
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (typeof v === "string") obj[key] = table.intern(v);
    else if (v !== null && typeof v === "object") internDeep(v, table);
  }
}
