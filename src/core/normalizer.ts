// The one normaliser both sides go through (gitops-engine's Diff normalises config and live with one call).
// The report worker makes it once per run and hands the same one to the live lister, which normalises each page
// as it arrives, and to detect, which normalises the desired objects and any raw live ones.
import type { NormalizedPolicy, NormalizeOptions, Origin } from "../model/types.js";
import { LIVE_ORIGIN, normalizePolicy } from "../normalize/policy.js";
import { internPolicy, StringTable } from "../normalize/strings.js";
import { isRecord } from "../util/values.js";

/**
 * One raw NetworkPolicy → our model. `at` is where a desired object was found (its resolved namespace and its
 * file); a live object names its own namespace and has no file.
 */
export type Normalizer = (raw: Record<string, unknown>, at?: { namespace: string; origin: Origin }) => NormalizedPolicy;

/**
 * Both sides repeat the same names and label values tens of thousands of times: the normaliser keeps one copy
 * of each for everything it normalises in one run.
 */
export function normalizerFor(
  opts: NormalizeOptions,
  strings: StringTable = new StringTable(),
  /** For live objects: swaps in the desired side's equal parts (compare/same.ts) before interning. */
  share?: (p: NormalizedPolicy) => NormalizedPolicy,
): Normalizer {
  return (raw, at) => {
    const meta = isRecord(raw.metadata) ? raw.metadata : {};
    if (at) return internPolicy(normalizePolicy(raw, at.namespace, at.origin, opts), strings);
    const own = normalizePolicy(raw, String(meta.namespace ?? ""), LIVE_ORIGIN, opts);
    const p = share ? share(own) : own;
    return p === own ? internPolicy(p, strings) : internShell(p, strings);
  };
}

const EMPTY_SPEC = { podSelector: {}, policyTypes: [] } as unknown as NormalizedPolicy["spec"];

/** Interns what a shared policy holds of its own (names, managers); the shared parts already are. */
function internShell(p: NormalizedPolicy, strings: StringTable): NormalizedPolicy {
  const shell = internPolicy({ ...p, labels: {}, annotations: {}, spec: EMPTY_SPEC }, strings);
  return { ...shell, labels: p.labels, annotations: p.annotations, spec: p.spec };
}

/** Raw live objects (a capture) through the normaliser, each raw object released once normalised. */
export function normalizeAll(objects: Record<string, unknown>[], normalize: Normalizer): NormalizedPolicy[] {
  const out: NormalizedPolicy[] = [];
  for (let i = 0; i < objects.length; i++) {
    out.push(normalize(objects[i]!));
    objects[i] = RELEASED;
  }
  return out;
}

const RELEASED: Record<string, unknown> = {};
