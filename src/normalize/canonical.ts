// Order-free lists are sorted by a canonical JSON form, so that equal sets compare equal element by element
// (deep-diff compares arrays by index).

/** JSON with object keys sorted; the identity of a value for set comparison. */
export function canonicalJson(value: unknown): string {
  // Written directly rather than as JSON.stringify(sortKeys(value)): the same text without a sorted copy of
  // every rule and peer of every policy (the normaliser keys each set element by it).
  return value === undefined ? (undefined as unknown as string) : writeSorted(value);
}

function writeSorted(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) s += (i > 0 ? "," : "") + writeSorted(v[i]);
    return `${s}]`;
  }
  const obj = v as Record<string, unknown>;
  let s = "{";
  let first = true;
  for (const key of Object.keys(obj).sort()) {
    const item = obj[key];
    if (item === undefined) continue;
    s += `${first ? "" : ","}${JSON.stringify(key)}:${writeSorted(item)}`;
    first = false;
  }
  return `${s}}`;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * Sorted copy without duplicates: a set has no order and no repeats. `key`: the item's canonical JSON, or a
 * writer that gives the same text for the item's known shape (set-keys.ts).
 */
export function asSortedSet<T>(items: readonly T[], key: (item: T) => string = canonicalJson): T[] {
  if (items.length === 1) return [items[0] as T]; // most rules have one peer and one port
  if (items.length === 2) {
    const [a, b] = items as [T, T];
    const ka = key(a);
    const kb = key(b);
    return ka === kb ? [b] : ka < kb ? [a, b] : [b, a];
  }
  // Of items with the same key the last one is kept, in the place of that key.
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as T);
}

/** An empty list means the same as an absent one (omitempty). */
export function nonEmpty<T>(items: T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? items : undefined;
}

/** A label value: the API server decodes `key:` (YAML null) into "" like Go's JSON does. */
export function labelValue(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}
