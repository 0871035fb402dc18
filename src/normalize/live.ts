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
  /** Swaps in the desired side's equal parts (compare/same.ts), before interning: shared parts are interned. */
  share?: (p: NormalizedPolicy) => NormalizedPolicy,
): (raw: Record<string, unknown>) => NormalizedPolicy {
  return (raw) => {
    const meta = isRecord(raw.metadata) ? raw.metadata : {};
    const own = normalizePolicy(raw, String(meta.namespace ?? ""), LIVE_ORIGIN, opts);
    const p = share ? share(own) : own;
    if (p === own) return internPolicy(p, table);
    return internShell(p, table);
  };
}

// A live policy comes from no file: one (frozen) empty origin for all of them.
const LIVE_ORIGIN = Object.freeze({});
const EMPTY_SPEC = { podSelector: {}, policyTypes: [] } as unknown as NormalizedPolicy["spec"];

/** Interns what a shared policy holds of its own (names, managers); the shared parts already are. */
function internShell(p: NormalizedPolicy, table: StringTable): NormalizedPolicy {
  const shell = internPolicy({ ...p, labels: {}, annotations: {}, spec: EMPTY_SPEC }, table);
  return { ...shell, labels: p.labels, annotations: p.annotations, spec: p.spec };
}

export function normalizeLive(objects: Record<string, unknown>[], opts: NormalizeOptions): NormalizedPolicy[] {
  return objects.map(liveNormalizer(opts));
}
