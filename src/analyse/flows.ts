// Rows of changed endpoints → the flows a reader sees. The other end of a row group is written as a set
// (whole namespaces, single classes, or "every pod except …", whichever is shorter, plus address ranges);
// rows of the same namespace with the same other end and ports merge their changed ends. Each flow names
// only the rules of the pairs it stands for.
import { describeRanges, mergeRanges, rangeToCidrs } from "./cidr.js";
import { describePorts } from "./ports.js";
import type { PortTable } from "./port-table.js";
import type { RowGroup } from "./row.js";
import { ruleName } from "./rules.js";
import type { Direction, Side } from "./side.js";
import type { Flow, FlowEnd, SideDecision } from "../model/analysis.js";
import type { PodIndex } from "./pod-set.js";
import type { Endpoint, PodClass } from "./universe.js";

type Change = "opened" | "closed";

interface Merge {
  dir: Direction;
  change: Change;
  protocol: Flow["protocol"];
  ports: string;
  other: { end: FlowEnd; text: string };
  xs: Set<Endpoint>;
  own: DecisionSet;
  others: DecisionSet;
}

/**
 * Decisions of one flow, distinct: shared ones by identity (cheap), and compacted by key as they pile up, so
 * a flow merged from thousands of rows holds each decision once.
 */
class DecisionSet {
  private items = new Set<SideDecision>();
  private limit = 64;

  add(d: SideDecision): void {
    this.items.add(d);
    if (this.items.size <= this.limit) return;
    this.items = new Set(this.distinct());
    this.limit = 2 * this.items.size + 64;
  }

  distinct(): SideDecision[] {
    return [...new Map([...this.items].map((d) => [decisionKey(d), d])).values()];
  }
}

/** The flows charged to one namespace, collected row by row. */
export class NamespaceFlows {
  private readonly merges = new Map<string, Merge>();

  constructor(
    private readonly index: PodIndex,
    private readonly live: Side,
    private readonly table: PortTable,
  ) {}

  add(x: Endpoint, dir: Direction, groups: RowGroup[]): void {
    for (const g of groups) {
      const pods = g.members.filter((m): m is PodClass => m.kind === "pod");
      const externals = g.members.filter((m) => m.kind === "external");
      let podEnd: { end: FlowEnd; text: string } | undefined;
      for (const [change, ports] of [
        ["opened", g.opened],
        ["closed", g.closed],
      ] as const) {
        if (this.table.isEmpty(ports)) continue;
        if (pods.length > 0 || g.bulk) {
          podEnd ??= this.index.podSet(pods, g.bulk);
          this.merge(x, dir, change, ports, podEnd, g, "pod");
        }
        if (externals.length > 0) this.merge(x, dir, change, ports, this.addressSet(externals), g, "external");
      }
    }
  }

  // Per protocol, so changed ends that differ only in another protocol's ports still share a row.
  private merge(
    x: Endpoint,
    dir: Direction,
    change: Change,
    ports: number,
    other: { end: FlowEnd; text: string },
    g: RowGroup,
    kind: Endpoint["kind"],
  ) {
    const set = this.table.get(ports);
    const opp: Direction = dir === "egress" ? "ingress" : "egress";
    const own: SideDecision[] = [];
    const others: SideDecision[] = [];
    let ownOfClasses = false;
    for (const { end: y, several, cls } of g.reps.values()) {
      if (y.kind !== kind) continue;
      const [src, dst] = dir === "egress" ? [x, y] : [y, x];
      if (cls === undefined) {
        own.push(this.live.decision(dir, src, dst, set));
        const d = this.live.decision(opp, src, dst, set);
        others.push(several ? relative(d) : d);
        continue;
      }
      // A background class's member: only x's rules that match every pod apply to it, the same for each such
      // member, and no rule of its own names x, so its side is its policies alone (the class's, by namespace).
      if (!ownOfClasses) own.push(this.live.decision(dir, src, dst, set));
      ownOfClasses = true;
      const where = several || y.kind !== "pod" ? "*" : y.namespace;
      others.push(
        this.index.classDecision(`${opp}|${cls}|${where}`, () => {
          const d = this.live.decision(opp, src, dst, set);
          return several ? relative(d) : d;
        }),
      );
    }
    let described = this.index.described.get(ports);
    if (!described) {
      described = describePorts(set);
      this.index.described.set(ports, described);
    }
    for (const { protocol, ports: text } of described) {
      const key = `${dir}|${change}|${protocol}|${text}|${other.text}`;
      let m = this.merges.get(key);
      if (!m) {
        m = {
          dir,
          change,
          protocol,
          ports: text,
          other,
          xs: new Set(),
          own: new DecisionSet(),
          others: new DecisionSet(),
        };
        this.merges.set(key, m);
      }
      m.xs.add(x);
      for (const d of own) m.own.add(d);
      for (const d of others) m.others.add(d);
    }
  }

  /** Address ranges are merged and printed once per distinct set of atoms. */
  private addressSet(externals: Endpoint[]): { end: FlowEnd; text: string } {
    const key = this.index.addressKey(externals);
    let hit = this.index.addresses.get(key);
    if (!hit) {
      hit = addressSet(externals);
      this.index.addresses.set(key, hit);
    }
    return hit;
  }

  flows(): { opened: Flow[]; closed: Flow[] } {
    const out: Record<Change, Flow[]> = { opened: [], closed: [] };
    for (const m of this.merges.values()) {
      const self = this.index.podSet([...m.xs] as PodClass[]);
      const own = mergeDecisions(m.own.distinct());
      const other = mergeDecisions(m.others.distinct());
      const [from, to] = m.dir === "egress" ? [self, m.other] : [m.other, self];
      const [egress, ingress] = m.dir === "egress" ? [own, other] : [other, own];
      out[m.change].push({
        source: from.text,
        destination: to.text,
        from: from.end,
        to: to.end,
        protocol: m.protocol,
        ports: m.ports,
        egress,
        ingress,
      });
    }
    return { opened: sortFlows(out.opened), closed: sortFlows(out.closed) };
  }
}

function sortFlows(flows: Flow[]): Flow[] {
  return flows.sort(
    (a, b) =>
      a.source.localeCompare(b.source) ||
      a.destination.localeCompare(b.destination) ||
      a.protocol.localeCompare(b.protocol) ||
      a.ports.localeCompare(b.ports),
  );
}

function addressSet(externals: Endpoint[]): { end: FlowEnd; text: string } {
  const ranges = externals.map((e) => (e.kind === "external" ? e.range : (undefined as never)));
  // The text as people write ipBlocks; the list as plain CIDRs, complete, for whoever reads the JSON.
  return { end: { addresses: mergeRanges(ranges).flatMap(rangeToCidrs) }, text: describeRanges(ranges) };
}

/** A decision about an end spanning several namespaces, each selected by its own policies of these names. */
function relative(d: SideDecision): SideDecision {
  return {
    isolated: d.isolated,
    policies: d.policies.map((p) => `*/${p.slice(p.indexOf("/") + 1)}`),
    rules: d.rules.map((r) => ({ ...r, namespace: "*" })),
  };
}

const decisionKey = (d: SideDecision) => `${d.isolated}|${d.policies.join(",")}|${d.rules.map(ruleName).join(",")}`;

/** The union of distinct decisions, built in one pass (pairwise merging is quadratic on big flows). */
function mergeDecisions(distinct: SideDecision[]): SideDecision {
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
