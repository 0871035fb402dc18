// Pairwise differences → the flows a reader sees: sources and destinations collapsed to "every pod of a
// namespace", "any pod" or merged address ranges where the same ports changed for all of them. Each flow
// names only the rules of the pairs it stands for.
import { describeRanges } from "./cidr.js";
import { describePorts, portsKey, type PortSet } from "./ports.js";
import { ruleName } from "./rules.js";
import type { Flow, SideDecision } from "./types.js";
import type { Endpoint, Universe } from "./universe.js";

export interface PairDelta {
  src: Endpoint;
  dst: Endpoint;
  ports: PortSet;
  egress: SideDecision;
  ingress: SideDecision;
}

interface Partial {
  src: string;
  dst: Endpoint;
  ports: PortSet;
  pairs: PairDelta[];
}

export function aggregate(deltas: PairDelta[], universe: Universe): Flow[] {
  // Sources first (per destination and ports), then destinations (per collapsed source and ports).
  const partials: Partial[] = [];
  for (const group of groupBy(deltas, (d) => `${d.dst.id}|${portsKey(d.ports)}`).values()) {
    for (const { label, ends } of collapse(group.map((d) => d.src), universe)) {
      const inFlow = new Set(ends);
      partials.push({ src: label, dst: group[0]!.dst, ports: group[0]!.ports, pairs: group.filter((d) => inFlow.has(d.src)) });
    }
  }
  const flows: Flow[] = [];
  for (const group of groupBy(partials, (p) => `${p.src}|${portsKey(p.ports)}`).values()) {
    for (const { label, ends } of collapse(group.map((p) => p.dst), universe)) {
      const inFlow = new Set(ends);
      const pairs = group.filter((p) => inFlow.has(p.dst)).flatMap((p) => p.pairs);
      const egress = mergeDecisions(pairs.map((p) => p.egress));
      const ingress = mergeDecisions(pairs.map((p) => p.ingress));
      for (const { protocol, ports } of describePorts(group[0]!.ports)) {
        flows.push({ source: group[0]!.src, destination: label, protocol, ports, egress, ingress });
      }
    }
  }
  return flows.sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination) || a.protocol.localeCompare(b.protocol));
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The union of many pairs' decisions, built in one pass (pairwise merging is quadratic on big flows). */
function mergeDecisions(all: SideDecision[]): SideDecision {
  const distinct = [...new Set(all)];
  if (distinct.length === 1) return distinct[0]!;
  const rules = new Map<string, SideDecision["rules"][number]>();
  const policies = new Set<string>();
  let isolated = false;
  for (const d of distinct) {
    isolated ||= d.isolated;
    for (const p of d.policies) policies.add(p);
    for (const r of d.rules) rules.set(ruleName(r), r);
  }
  return { isolated, policies: [...policies].sort(), rules: [...rules.keys()].sort().map((k) => rules.get(k)!) };
}

// Endpoints → labels: whole namespaces as "ns:N/pod:*", every pod as "ns:*/pod:*", addresses merged.
export function collapse(input: Endpoint[], universe: Universe): { label: string; ends: Endpoint[] }[] {
  const ends = [...new Set(input)];
  const out: { label: string; ends: Endpoint[] }[] = [];
  const pods = ends.filter((e) => e.kind === "pod");
  if (pods.length > 0 && pods.length === universe.pods.length) out.push({ label: "ns:*/pod:*", ends: pods });
  else {
    const byNs = new Map<string, Endpoint[]>();
    for (const p of pods) if (p.kind === "pod") byNs.set(p.namespace, [...(byNs.get(p.namespace) ?? []), p]);
    for (const [ns, list] of [...byNs].sort(([a], [b]) => a.localeCompare(b))) {
      if (list.length === universe.podsByNs.get(ns)?.length) out.push({ label: `ns:${ns}/pod:*`, ends: list });
      else for (const p of list) out.push({ label: p.kind === "pod" ? p.label : "", ends: [p] });
    }
  }
  const externals = ends.filter((e) => e.kind === "external");
  if (externals.length > 0) out.push({ label: describeRanges(externals.map((e) => (e.kind === "external" ? e.range : (undefined as never)))), ends: externals });
  return out;
}
