import type { LabelSelectorRequirement, Selector } from "../model/types.js";
import { asSortedSet, labelValue, nonEmpty } from "./canonical.js";
import { asArray, isRecord } from "../util/values.js";

/**
 * A label selector with omitempty applied: `matchLabels: {}` and `matchExpressions: []` are dropped, the
 * expressions and their values compare as sets. `{}` (select everything) stays `{}`.
 */
export function normalizeSelector(raw: unknown): Selector {
  if (!isRecord(raw)) return {};
  const out: Selector = {};
  if (isRecord(raw.matchLabels) && Object.keys(raw.matchLabels).length > 0) {
    out.matchLabels = Object.fromEntries(
      Object.entries(raw.matchLabels)
        .map(([k, v]) => [k, labelValue(v)] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  const expressions = nonEmpty(asArray(raw.matchExpressions).map(normalizeRequirement));
  if (expressions) out.matchExpressions = asSortedSet(expressions);
  return out;
}

function normalizeRequirement(raw: unknown): LabelSelectorRequirement {
  const r = isRecord(raw) ? raw : {};
  const req: LabelSelectorRequirement = { key: String(r.key ?? ""), operator: String(r.operator ?? "") };
  const values = nonEmpty(asArray(r.values).map(String));
  if (values) req.values = [...new Set(values)].sort();
  return req;
}
