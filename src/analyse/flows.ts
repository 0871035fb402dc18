// Pairwise differences → the flows a reader sees: sources and destinations collapsed to "every pod of a
// namespace", "any pod" or merged address ranges where the same ports changed for all of them.
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

interface Group {
  ends: Endpoint[];
  other: string;
  ports: PortSet;
  egress: SideDecision;
  ingress: SideDecision;
}

export function aggregate(deltas: PairDelta[], universe: Universe): Flow[] {
  // Sources first (per destination and ports), then destinations (per collapsed source and ports).
  const bySrc = groupBy(deltas, (d) => `${d.dst.id}|${portsKey(d.ports)}`, (d) => d.src, (d) => String(d.dst.id));
  const stage: { src: string; dst: Endpoint; g: Group }[] = [];
  for (const g of bySrc) for (const src of collapse(g.ends, universe)) stage.push({ src, dst: universe.endpoints[Number(g.other)]!, g });
  const byDst = groupBy(
    stage.map((s) => ({ src: s.src, dst: s.dst, ports: s.g.ports, egress: s.g.egress, ingress: s.g.ingress })),
    (s) => `${s.src}|${portsKey(s.ports)}`,
    (s) => s.dst,
    (s) => s.src,
  );
  const flows: Flow[] = [];
  for (const g of byDst) {
    for (const destination of collapse(g.ends, universe)) {
      for (const { protocol, ports } of describePorts(g.ports)) {
        flows.push({ source: g.other, destination, protocol, ports, egress: g.egress, ingress: g.ingress });
      }
    }
  }
  return flows.sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination) || a.protocol.localeCompare(b.protocol));
}

function groupBy<T extends { ports: PortSet; egress: SideDecision; ingress: SideDecision }>(
  items: T[],
  key: (t: T) => string,
  end: (t: T) => Endpoint,
  other: (t: T) => string,
): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (!g) groups.set(k, { ends: [end(item)], other: other(item), ports: item.ports, egress: item.egress, ingress: item.ingress });
    else {
      if (!g.ends.includes(end(item))) g.ends.push(end(item));
      g.egress = mergeDecision(g.egress, item.egress);
      g.ingress = mergeDecision(g.ingress, item.ingress);
    }
  }
  return [...groups.values()];
}

function mergeDecision(a: SideDecision, b: SideDecision): SideDecision {
  if (a === b) return a;
  const rules = new Map([...a.rules, ...b.rules].map((r) => [ruleName(r), r]));
  return {
    isolated: a.isolated || b.isolated,
    policies: [...new Set([...a.policies, ...b.policies])].sort(),
    rules: [...rules.keys()].sort().map((k) => rules.get(k)!),
  };
}

// Endpoints → labels: whole namespaces as "ns:N/pod:*", every pod as "ns:*/pod:*", addresses merged.
export function collapse(ends: Endpoint[], universe: Universe): string[] {
  const out: string[] = [];
  const pods = ends.filter((e) => e.kind === "pod");
  if (pods.length > 0 && pods.length === universe.pods.length) out.push("ns:*/pod:*");
  else {
    const byNs = new Map<string, Endpoint[]>();
    for (const p of pods) if (p.kind === "pod") byNs.set(p.namespace, [...(byNs.get(p.namespace) ?? []), p]);
    for (const [ns, list] of [...byNs].sort(([a], [b]) => a.localeCompare(b))) {
      if (list.length === (universe.podsByNs.get(ns)?.length ?? -1)) out.push(`ns:${ns}/pod:*`);
      else out.push(...list.map((p) => (p.kind === "pod" ? p.label : "")).sort());
    }
  }
  const ranges = ends.flatMap((e) => (e.kind === "external" ? [e.range] : []));
  if (ranges.length > 0) out.push(describeRanges(ranges));
  return out;
}
