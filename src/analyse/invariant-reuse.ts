// Reusing one side's invariant verdicts for the other (see InvariantMemo), and where a fault points.
import type { NormalizedPolicy } from "../model/types.js";
import type { Direction } from "./side.js";
import type { Violation } from "../model/analysis.js";
import { ruleWhere } from "./witness.js";

/**
 * A namespace whose policies on this side are the other side's (the same labels and spec objects, as
 * compare/same.ts leaves in-sync pairs), among the same tenants, breaks the same invariants: only the side
 * and where each fault points (file, line) differ. At 50,000 policies in sync that halves the check.
 */
export type InvariantMemo = Map<string, { tenants: string; list: NormalizedPolicy[]; violations: Violation[] }>;

export function samePolicies(a: NormalizedPolicy[], b: NormalizedPolicy[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(a.map((p) => [p.name, p]));
  return b.every((p) => {
    const q = byName.get(p.name);
    return q !== undefined && q.spec === p.spec && q.labels === p.labels && q.annotations === p.annotations;
  });
}

/** The other side's violation, pointing where this side's policies are (the three ways a fault is placed). */
export function relocated(v: Violation, side: Violation["side"], list: NormalizedPolicy[]): Violation {
  const { file: _f, line: _l, ...rest } = v;
  const p = v.policy === undefined ? undefined : list.find((x) => x.name === v.policy);
  const rule = v.rule === undefined ? undefined : /^(ingress|egress)\[(\d+)\]$/.exec(v.rule);
  const where = !p
    ? firstFile(list)
    : rule
      ? ruleWhere(p, { direction: rule[1] as Direction, index: Number(rule[2]) })
      : ruleWhere(p, { direction: "egress" });
  // the keys in the order the checks write them: where a fault points comes just before the message
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(rest)) {
    if (k === "message") Object.assign(out, where);
    out[k] = k === "side" ? side : val;
  }
  return out as unknown as Violation;
}

/** A namespace-level fault points at the namespace's first file, so CI has somewhere to annotate. */
export function firstFile(list: NormalizedPolicy[]): { file?: string } {
  // The least name in sort order, without sorting a copy per namespace and per violation.
  let first: string | undefined;
  for (const p of list) {
    const f = p.origin.file;
    if (f && (first === undefined || f < first)) first = f;
  }
  return first ? { file: first } : {};
}
