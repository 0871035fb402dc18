import type { NormalizedPolicy, NormalizeOptions } from "../model/types.js";
import { isRecord } from "../util/values.js";
import { normalizePolicy } from "./policy.js";
import { internPolicy, StringTable } from "./strings.js";

/**
 * Normalises live objects one at a time, so a lister can drop each raw page (managedFields, the
 * last-applied copy) as soon as it is read. The string table is shared by everything this one run
 * normalises.
 */
export function liveNormalizer(
  opts: NormalizeOptions,
  table: StringTable = new StringTable(),
): (raw: Record<string, unknown>) => NormalizedPolicy {
  return (raw) => {
    const meta = isRecord(raw.metadata) ? raw.metadata : {};
    return internPolicy(normalizePolicy(raw, String(meta.namespace ?? ""), {}, opts), table);
  };
}

export function normalizeLive(objects: Record<string, unknown>[], opts: NormalizeOptions): NormalizedPolicy[] {
  return objects.map(liveNormalizer(opts));
}
