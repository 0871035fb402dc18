// Label selector matching (metav1.LabelSelector semantics) and the label sets that stand in for workloads.
import type { Selector } from "../model/types.js";

export type Labels = Record<string, string>;

/** `{}` selects everything; an unknown operator selects nothing, as the API server would reject it. */
export function matches(sel: Selector, labels: Labels): boolean {
  // Hot path of the analysis: no allocation here.
  const ml = sel.matchLabels;
  if (ml) for (const k in ml) if (labels[k] !== ml[k]) return false;
  const exprs = sel.matchExpressions;
  if (!exprs) return true;
  for (const req of exprs) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(value as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function isEmptySelector(sel: Selector): boolean {
  return !sel.matchLabels && !sel.matchExpressions;
}

export function selectorKeys(sel: Selector): string[] {
  return [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((r) => r.key)];
}

/** Placeholder value for `Exists` in a representative: a real label value cannot contain parentheses. */
export const ANY_VALUE = "(any)";

/**
 * The smallest label sets a selector selects: one per combination of its `In` values (capped), so that a
 * rewrite dropping one value shows. Empty when the selector is contradictory and selects nothing.
 */
export function representativesOf(sel: Selector, cap = 64): Labels[] {
  let sets: Labels[] = [{ ...(sel.matchLabels ?? {}) }];
  for (const req of sel.matchExpressions ?? []) {
    if (req.operator === "In" && req.values?.length) {
      sets = sets
        .flatMap((l) => (Object.hasOwn(l, req.key) ? [l] : req.values!.map((v) => ({ ...l, [req.key]: v }))))
        .slice(0, cap);
    } else if (req.operator === "Exists") {
      sets = sets.map((l) => (Object.hasOwn(l, req.key) ? l : { ...l, [req.key]: ANY_VALUE }));
    }
  }
  return sets.filter((l) => matches(sel, l));
}

export function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}
