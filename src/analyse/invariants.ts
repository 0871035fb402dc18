// The seed's baseline, checked on one side: default deny both ways, DNS-only default egress, no
// cross-tenant traffic, external egress only to allow-listed CIDRs, none at all for air-gapped tenants.
// Each is decided on probe connections by the Side `eval` uses (src/analyse/witness.ts), never by the shape
// of a rule: a violation names a connection that breaks it and the rule that allows it, at the rule's line.
import type { EgressRule, IngressRule, NormalizedPolicy, Selector } from "../model/types.js";
import { atomsOf, type IpRange } from "./cidr.js";
import { allPorts, contains, isEmpty, isFull, PROTOCOLS, singlePort, subtract, union, type PortSet } from "./ports.js";
import { matches, representativesOf, type Labels } from "./selector.js";
import type { Direction, Side } from "./side.js";
import { tenantOf } from "./tenants.js";
import type { AnalysisOptions } from "./types.js";
import type { Violation } from "../model/analysis.js";
import { NAME_LABEL, type Endpoint, type PodClass } from "./universe.js";
import { type Ctx, compiledRefs, type Plan, violation } from "./invariant-context.js";
import { externalPlan } from "./invariant-egress.js";
import { firstFile, type InvariantMemo, relocated, samePolicies } from "./invariant-reuse.js";
import { compileAll, Probes, responsible, ruleLabel, ruleWhere, witnessOf, witnessText } from "./witness.js";

export type { InvariantMemo } from "./invariant-reuse.js";

export interface InvariantInput {
  policies: NormalizedPolicy[];
  side: Violation["side"];
  options: AnalysisOptions;
  /** Namespace labels from a workloads capture; otherwise a namespace is known by its name label only. */
  nsLabels?: Map<string, Labels>;
  /** Shared by the checks of the two sides (see InvariantMemo). */
  memo?: InvariantMemo;
}

/** How many other tenants a message names before it only counts them. */
const MAX_NAMED = 5;
/** A namespace no selector names: what "any namespace" reaches beyond the known ones. */
const OTHER_NS = "(another namespace)";
const DNS_PORTS: PortSet = union(singlePort("UDP", 53), singlePort("TCP", 53));

export function checkInvariants(input: InvariantInput): Violation[] {
  const { policies, side: sideName, options } = input;
  const byNs = new Map<string, NormalizedPolicy[]>();
  for (const p of policies) {
    const list = byNs.get(p.namespace);
    if (list) list.push(p);
    else byNs.set(p.namespace, [p]);
  }
  const tenantNs = tenantNamespaces(input, byNs);
  const selects = selectorCache(tenantNs, input.nsLabels);
  const anotherTenant = otherTenantName(options);
  const allowLists = new Map<string, { ranges: IpRange[]; cidrs: string[] }>();
  // Every probe connection starts or ends at a pod of one namespace and is decided by that namespace's own
  // policies alone (its egress for what leaves, its ingress for what arrives): one namespace at a time, so
  // memory stays that of the largest namespace.
  const out: Violation[] = [];
  const tenants = input.memo ? [...tenantNs].sort().join("\n") : "";
  for (const [ns, list] of [...byNs].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = input.memo?.get(ns);
    if (seen && seen.tenants === tenants && samePolicies(seen.list, list)) {
      for (const v of seen.violations) out.push(relocated(v, sideName, list));
      continue;
    }
    const start = out.length;
    const probes = new Probes(input.nsLabels);
    const { compiled, byKey } = compileAll(list);
    const ctx: Ctx = {
      probes,
      options,
      sideName,
      byKey,
      compiled: new Map(compiled.map((c) => [c.key, c])),
      allowLists,
      side: undefined as unknown as Side,
    };
    // Every probe is made while planning; the Side is built on all of them; then the plans run.
    const plans: Plan[] = [defaultsPlan(ctx, ns, list)];
    for (const p of list) {
      if (tenantNs.has(ns)) plans.push(tenantPlan(ctx, p, selects, anotherTenant));
      plans.push(externalPlan(ctx, p));
    }
    ctx.side = probes.sideFor(compiled, options);
    for (const run of plans) out.push(...run());
    input.memo?.set(ns, { tenants, list, violations: out.slice(start) });
  }
  return out;
}

/** Default deny both ways, and default egress (a pod only the all-pods policies select) is DNS and nothing else. */
function defaultsPlan(ctx: Ctx, ns: string, list: NormalizedPolicy[]): Plan {
  const { probes, options } = ctx;
  const pod = probes.pod(ns, {});
  const anyPod = probes.pod(OTHER_NS, {});
  const dns = probes.pod(options.dns.namespace, options.dns.podLabels);
  // Where else port 53 or more could go: kube-dns' namespace, a look-alike elsewhere, the same namespace, outside.
  const targets: Endpoint[] = [
    dns,
    probes.pod(options.dns.namespace, {}),
    probes.pod(OTHER_NS, options.dns.podLabels),
    probes.pod(ns, options.dns.podLabels),
    pod,
    anyPod,
  ];
  const defaults = list.filter((p) => matches(p.spec.podSelector, {}));
  const cidrs = defaults.flatMap((p) =>
    (p.spec.egress ?? []).flatMap((r) =>
      (r.to ?? []).flatMap((x) => (x.ipBlock ? [x.ipBlock.cidr, ...(x.ipBlock.except ?? [])] : [])),
    ),
  );
  for (const atom of atomsOf(cidrs)) targets.push(probes.external(atom));
  return () => {
    const out: Violation[] = [];
    const anchor = firstFile(list);
    const missing = (dir: Direction, text: string, from: Endpoint, to: Endpoint): Violation => ({
      invariant: "default-deny",
      side: ctx.sideName,
      namespace: ns,
      ...anchor,
      message: `namespace ${ns} has no default deny for ${dir} (${text}): ${witnessText(witnessOf(from, to, allPorts()))} is allowed`,
      witness: witnessOf(from, to, allPorts()),
    });
    // Isolated, but a rule allows every connection from (or to) any pod anywhere: that is no deny either.
    // Every port from any pod elsewhere *and* in the namespace itself: a rule that only opens the other
    // namespaces is a tenant matter, not a missing deny. (An open default egress rule is "more than DNS".)
    const openRule = (dir: Direction, from: Endpoint, to: Endpoint): Violation | undefined => {
      const ports = ctx.side.sidePorts(dir, from, to);
      const local = ctx.side.sidePorts(dir, pod, pod);
      if (!PROTOCOLS.every((proto) => isFull(ports, proto) && isFull(local, proto))) return undefined;
      const ref = responsible(ctx.side, dir, from, to, ports)[0];
      if (!ref) return undefined;
      const w = witnessOf(from, to, ports);
      return violation(
        ctx,
        "default-deny",
        ref,
        `namespace ${ns} has no default deny for ${dir}: ${ref.namespace}/${ref.policy} ${ruleLabel(ref)} allows every connection (${witnessText(w)})`,
        w,
      );
    };
    if (ctx.side.selectingPolicies("ingress", pod).length === 0)
      out.push(missing("ingress", "podSelector: {}, policyTypes: [Ingress], no ingress rules", anyPod, pod));
    else {
      const v = openRule("ingress", anyPod, pod);
      if (v) out.push(v);
    }
    const egressPolicies = ctx.side.selectingPolicies("egress", pod);
    if (egressPolicies.length === 0) {
      out.push(missing("egress", "podSelector: {}, policyTypes: [Egress]", pod, anyPod));
      return out;
    }
    const toDns = ctx.side.sidePorts("egress", pod, dns);
    const lacking = (["UDP", "TCP"] as const).filter((proto) => !contains(toDns, proto, 53));
    if (lacking.length > 0) {
      const first = egressPolicies[0]!.policy;
      const w = witnessOf(pod, dns, singlePort(lacking[0]!, 53));
      out.push({
        invariant: "dns-egress",
        side: ctx.sideName,
        namespace: ns,
        policy: first.name,
        ...ruleWhere(first, { direction: "egress" }),
        message: `egress from namespace ${ns} does not allow DNS on ${lacking.map((m) => `${m} 53`).join(" and ")} to ${dns.label}: ${witnessText(w)} is denied (selected by ${egressPolicies.map((p) => p.key).join(", ")}; no rule allows it)`,
        witness: w,
      });
    }
    // DNS is UDP and TCP 53; anything else a default egress rule lets out is more than DNS.
    const seen = new Set<string>();
    for (const to of targets) {
      const beyond = subtract(ctx.side.sidePorts("egress", pod, to), DNS_PORTS);
      if (isEmpty(beyond)) continue;
      for (const ref of responsible(ctx.side, "egress", pod, to, beyond)) {
        const key = `${ref.policy}#${ref.index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const w = witnessOf(pod, to, beyond);
        out.push(
          violation(
            ctx,
            "dns-egress",
            ref,
            `${ref.namespace}/${ref.policy} ${ruleLabel(ref)} allows more than DNS from every pod of ${ns}: ${witnessText(w)}`,
            w,
          ),
        );
      }
    }
    return out;
  };
}

/** No rule of a tenant's policy lets traffic from or to another tenant's pods. */
function tenantPlan(ctx: Ctx, p: NormalizedPolicy, selects: (sel: Selector) => string[], anotherTenant: string): Plan {
  const self = ctx.probes.pod(p.namespace, representativesOf(p.spec.podSelector)[0] ?? {});
  const checks: { dir: Direction; index: number; remotes: { ns: string; pod: PodClass }[]; noPeer: boolean }[] = [];
  const plan = (dir: Direction, rules: (IngressRule | EgressRule)[]) =>
    rules.forEach((rule, i) => {
      const peers = dir === "ingress" ? (rule as IngressRule).from : (rule as EgressRule).to;
      const remotes: { ns: string; pod: PodClass }[] = [];
      if (!peers) remotes.push({ ns: "every namespace", pod: ctx.probes.pod(anotherTenant, {}) });
      for (const peer of peers ?? []) {
        if (!peer.namespaceSelector) continue;
        const labels = peer.podSelector ? representativesOf(peer.podSelector)[0] : {};
        if (!labels) continue;
        const hits = selects(peer.namespaceSelector).filter((t) => t !== p.namespace);
        for (const t of hits.slice(0, MAX_NAMED + 1))
          remotes.push({ ns: t, pod: ctx.probes.pod(t === "any namespace" ? anotherTenant : t, labels) });
        if (hits.length > MAX_NAMED + 1)
          remotes.push({ ns: `${hits.length - MAX_NAMED - 1} more`, pod: remotes[remotes.length - 1]!.pod });
      }
      if (remotes.length > 0) checks.push({ dir, index: i, remotes, noPeer: !peers });
    });
  if (p.spec.policyTypes.includes("Ingress")) plan("ingress", p.spec.ingress ?? []);
  if (p.spec.policyTypes.includes("Egress")) plan("egress", p.spec.egress ?? []);
  const tenant = tenantOf(p.namespace, ctx.options);
  return () => {
    const out: Violation[] = [];
    const rules = compiledRefs(ctx, p);
    for (const c of checks) {
      const ref = rules[c.dir]?.[c.index];
      if (!ref) continue;
      const names: string[] = [];
      let witness: Violation["witness"];
      for (const r of c.remotes) {
        const [src, dst] = c.dir === "egress" ? [self, r.pod] : [r.pod, self];
        const ports = ctx.side.sidePorts(c.dir, src, dst);
        if (isEmpty(ports)) continue;
        if (
          !responsible(ctx.side, c.dir, src, dst, ports).some((x) => x.policy === ref.policy && x.index === ref.index)
        )
          continue;
        names.push(r.ns);
        witness ??= witnessOf(src, dst, ports);
      }
      if (!witness) continue;
      const word = c.dir === "ingress" ? "from" : "to";
      const text = c.noPeer
        ? `${p.namespace}/${p.name} ${ruleLabel(ref)} has no \`${word}\`: it allows traffic ${word} every namespace, other tenants included`
        : `${p.namespace}/${p.name} ${ruleLabel(ref)} allows traffic ${word} ${names.join(", ")} (tenant ${tenant} must stay in its namespace)`;
      out.push(violation(ctx, "tenant-isolation", ref, `${text}: ${witnessText(witness)}`, witness));
    }
    return out;
  };
}

/** Tenants: namespaces known from policies, workloads and configuration, and those a selector names. */
function tenantNamespaces(input: InvariantInput, byNs: Map<string, NormalizedPolicy[]>): Set<string> {
  const { policies, options } = input;
  // Each name once: 50,000 policies name the same few hundred namespaces (plain loops, no array per policy).
  const candidates = new Set([...byNs.keys(), ...(input.nsLabels?.keys() ?? []), ...Object.values(options.tenants)]);
  for (const p of policies) {
    for (const r of p.spec.ingress ?? [])
      for (const peer of r.from ?? []) addNamesIn(peer.namespaceSelector, candidates);
    for (const r of p.spec.egress ?? []) for (const peer of r.to ?? []) addNamesIn(peer.namespaceSelector, candidates);
  }
  return new Set([...candidates].filter((ns) => tenantOf(ns, options) !== undefined));
}

/** Which tenant namespaces a namespace selector selects ("any namespace" first when it selects unknown ones too), once per selector. */
function selectorCache(tenantNs: Set<string>, nsLabels: Map<string, Labels> | undefined): (sel: Selector) => string[] {
  const tenantList = [...tenantNs].sort();
  const cache = new Map<string, string[]>();
  return (sel) => {
    // The common case, a selector on the name label alone, needs no label matching at all.
    const pinnedOnly =
      !sel.matchExpressions && sel.matchLabels && Object.keys(sel.matchLabels).length === 1
        ? sel.matchLabels[NAME_LABEL]
        : undefined;
    if (pinnedOnly !== undefined) return tenantNs.has(pinnedOnly) ? [pinnedOnly] : [];
    const key = JSON.stringify(sel);
    let hit = cache.get(key);
    if (!hit) {
      const pinned = sel.matchLabels?.[NAME_LABEL];
      const candidates = pinned !== undefined ? (tenantNs.has(pinned) ? [pinned] : []) : tenantList;
      hit = candidates.filter((t) => matches(sel, nsLabels?.get(t) ?? { [NAME_LABEL]: t }));
      if (matches(sel, { [NAME_LABEL]: "(any-other-tenant)" })) hit.unshift("any namespace");
      cache.set(key, hit);
    }
    return hit;
  };
}

/** A tenant namespace no policy names, from the pattern ("tenant-(another)"), for rules that reach every namespace. */
function otherTenantName(options: AnalysisOptions): string {
  const i = options.tenantPattern.indexOf("*");
  return i < 0
    ? "(another tenant)"
    : `${options.tenantPattern.slice(0, i)}(another)${options.tenantPattern.slice(i + 1)}`;
}

function addNamesIn(sel: Selector | undefined, to: Set<string>): void {
  if (!sel) return;
  const pinned = sel.matchLabels?.[NAME_LABEL];
  if (pinned) to.add(pinned);
  for (const r of sel.matchExpressions ?? [])
    if (r.key === NAME_LABEL && r.operator === "In") for (const v of r.values ?? []) to.add(v);
}
