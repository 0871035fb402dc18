import type { LabelSelectorRequirement, Selector } from "../model/types.js";
import { asSortedSet, labelValue, nonEmpty } from "./canonical.js";
import { asArray, isRecord } from "../util/values.js";
import { requirementKey } from "./set-keys.js";

/**
 * A label selector with omitempty applied: `matchLabels: {}` and `matchExpressions: []` are dropped, the
 * expressions and their values compare as sets. `{}` (select everything) stays `{}`.
 */
export function normalizeSelector(raw: unknown): Selector {
  if (!isRecord(raw)) return {};
  const out: Selector = {};
  if (isRecord(raw.matchLabels)) {
    const labels = sortedLabels(raw.matchLabels);
    if (labels) out.matchLabels = labels;
  }
  const expressions = nonEmpty(asArray(raw.matchExpressions).map(normalizeRequirement));
  if (expressions) out.matchExpressions = asSortedSet(expressions, requirementKey);
  return out;
}

/** The labels as strings, keys inserted in sorted order; undefined for none. */
function sortedLabels(raw: Record<string, unknown>): Record<string, string> | undefined {
  const keys = Object.keys(raw);
  if (keys.length === 0) return undefined;
  if (keys.length > 1) keys.sort();
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = labelValue(raw[k]);
  return out;
}

function normalizeRequirement(raw: unknown): LabelSelectorRequirement {
  const r = isRecord(raw) ? raw : {};
  const req: LabelSelectorRequirement = { key: String(r.key ?? ""), operator: String(r.operator ?? "") };
  const values = nonEmpty(asArray(r.values).map(String));
  if (values) req.values = [...new Set(values)].sort();
  return req;
}
