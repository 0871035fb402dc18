// What every invariant check of one side shares: the probes, the compiled rules, and how a violation is written.
import type { NormalizedPolicy } from "../model/types.js";
import type { RuleRef, Violation } from "../model/analysis.js";
import type { IpRange } from "./cidr.js";
import type { CompiledPolicy } from "./rules.js";
import type { Side } from "./side.js";
import type { AnalysisOptions } from "./types.js";
import { type Probes, ruleLabel, ruleWhere } from "./witness.js";

export type Plan = () => Violation[];

export interface Ctx {
  probes: Probes;
  options: AnalysisOptions;
  sideName: Violation["side"];
  byKey: Map<string, NormalizedPolicy>;
  compiled: Map<string, CompiledPolicy>;
  allowLists: Map<string, { ranges: IpRange[]; cidrs: string[] }>;
  side: Side;
}

/** A policy's rules as the Side names them (index as written), in the normalised order of its spec. */
export function compiledRefs(ctx: Ctx, p: NormalizedPolicy): { ingress?: RuleRef[]; egress?: RuleRef[] } {
  const c = ctx.compiled.get(`${p.namespace}/${p.name}`);
  return { ingress: c?.ingress?.map((r) => r.ref), egress: c?.egress?.map((r) => r.ref) };
}

export function violation(
  ctx: Ctx,
  invariant: Violation["invariant"],
  ref: RuleRef,
  message: string,
  witness: Violation["witness"],
): Violation {
  const p = ctx.byKey.get(`${ref.namespace}/${ref.policy}`)!;
  return {
    invariant,
    side: ctx.sideName,
    namespace: ref.namespace,
    policy: ref.policy,
    rule: ruleLabel(ref),
    ...ruleWhere(p, ref),
    message,
    ...(witness ? { witness } : {}),
  };
}
