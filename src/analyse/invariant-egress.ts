// The external-egress invariants: the egress allow-list, and no external egress at all from air-gapped tenants.
import type { NormalizedPolicy } from "../model/types.js";
import type { Violation } from "../model/analysis.js";
import { atomsOf, blockRanges, describeRanges, inRanges, rangeToCidrs, subtractRanges, type IpRange } from "./cidr.js";
import { type Ctx, compiledRefs, type Plan, violation } from "./invariant-context.js";
import { isEmpty } from "./ports.js";
import { representativesOf } from "./selector.js";
import { responsible, ruleLabel, witnessOf, witnessText } from "./witness.js";

/** External egress only to the allow-list; none at all from an air-gapped tenant. */
export function externalPlan(ctx: Ctx, p: NormalizedPolicy): Plan {
  const { options } = ctx;
  if (!p.spec.policyTypes.includes("Egress")) return () => [];
  const airGapped = options.airGapped.includes(p.namespace);
  if (!airGapped && !options.egressAllowList) return () => [];
  const allow = allowListOf(ctx, airGapped ? "" : p.namespace);
  const self = ctx.probes.pod(p.namespace, representativesOf(p.spec.podSelector)[0] ?? {});
  // The address space cut at this rule's and the allow-list's boundaries: each piece is wholly in or out.
  const perRule = (p.spec.egress ?? []).map((rule) => {
    const blocks = rule.to ? rule.to.flatMap((x) => (x.ipBlock ? [x.ipBlock] : [])) : undefined;
    if (blocks && blocks.length === 0) return [];
    // Most rules reach only allow-listed ranges: nothing to probe.
    if (blocks && subtractRanges(blocks.flatMap(blockRanges), allow.ranges).length === 0) return [];
    const own = (blocks ?? []).flatMap((b) => [b.cidr, ...(b.except ?? [])]);
    return atomsOf([...own, ...allow.cidrs])
      .filter((a) => !covered(allow.ranges, a))
      .map((a) => ctx.probes.external(a));
  });
  return () => {
    const out: Violation[] = [];
    const refs = compiledRefs(ctx, p).egress ?? [];
    perRule.forEach((targets, i) => {
      const ref = refs[i];
      if (!ref) return;
      const reached: IpRange[] = [];
      let witness: Violation["witness"];
      for (const to of targets) {
        const ports = ctx.side.sidePorts("egress", self, to);
        if (isEmpty(ports)) continue;
        if (
          !responsible(ctx.side, "egress", self, to, ports).some(
            (x) => x.policy === ref.policy && x.index === ref.index,
          )
        )
          continue;
        if (to.kind === "external") reached.push(to.range);
        witness ??= witnessOf(self, to, ports);
      }
      if (!witness) return;
      const where = describeRanges(reached);
      out.push(
        airGapped
          ? violation(
              ctx,
              "air-gapped",
              ref,
              `${p.namespace} is air-gapped but ${p.name} ${ruleLabel(ref)} allows external egress to ${where}: ${witnessText(witness)}`,
              witness,
            )
          : violation(
              ctx,
              "egress-allow-list",
              ref,
              `${p.namespace}/${p.name} ${ruleLabel(ref)} allows external egress to ${where}, which is not on the allow-list: ${witnessText(witness)}`,
              witness,
            ),
      );
    });
    return out;
  };
}

/** The allow-list of a namespace ("" for none at all), as ranges and as CIDRs, computed once per namespace. */
function allowListOf(ctx: Ctx, ns: string): { ranges: IpRange[]; cidrs: string[] } {
  let hit = ctx.allowLists.get(ns);
  if (!hit) {
    const blocks =
      ns === "" ? [] : [...(ctx.options.egressAllowList ?? []), ...(ctx.options.namespaceEgressAllowList[ns] ?? [])];
    const ranges = blocks.flatMap(blockRanges);
    hit = { ranges, cidrs: ranges.flatMap(rangeToCidrs) };
    ctx.allowLists.set(ns, hit);
  }
  return hit;
}

function covered(ranges: IpRange[], atom: IpRange): boolean {
  return inRanges(ranges, atom.family, atom.lo);
}
