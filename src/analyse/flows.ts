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
import type { Endpoint, PodClass, Universe } from "./universe.js";

type Change = "opened" | "closed";

interface Merge {
  dir: Direction;
  change: Change;
  protocol: Flow["protocol"];
  ports: string;
  other: { end: FlowEnd; text: string };
  xs: Set<Endpoint>;
  own: SideDecision[];
  others: SideDecision[];
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
      for (const [change, ports] of [
        ["opened", g.opened],
        ["closed", g.closed],
      ] as const) {
        if (this.table.isEmpty(ports)) continue;
        if (pods.length > 0) this.merge(x, dir, change, ports, this.index.podSet(pods), g, "pod");
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
    for (const { end: y, several } of g.reps.values()) {
      if (y.kind !== kind) continue;
      const [src, dst] = dir === "egress" ? [x, y] : [y, x];
      own.push(this.live.decision(dir, src, dst, set));
      const d = this.live.decision(opp, src, dst, set);
      others.push(several ? relative(d) : d);
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
        m = { dir, change, protocol, ports: text, other, xs: new Set(), own: [], others: [] };
        this.merges.set(key, m);
      }
      m.xs.add(x);
      m.own.push(...own);
      m.others.push(...others);
    }
  }

  /** Address ranges are merged and printed once per distinct set of atoms. */
  private addressSet(externals: Endpoint[]): { end: FlowEnd; text: string } {
    const key = externals.map((e) => e.id).join(",");
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
      const own = mergeDecisions(m.own);
      const other = mergeDecisions(m.others);
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

/**
 * Namespaces by number, and scratch space, so a set of classes is counted per namespace without maps; and
 * what every namespace's flows print the same (port sets, address ranges), printed once.
 */
export class PodIndex {
  readonly described = new Map<number, ReturnType<typeof describePorts>>();
  readonly addresses = new Map<string, { end: FlowEnd; text: string }>();
  readonly names: string[] = [];
  readonly lists: PodClass[][] = [];
  private readonly nsOf: Int32Array;
  private readonly counts: Int32Array;
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(u: Universe) {
    this.nsOf = new Int32Array(u.endpoints.length).fill(-1);
    for (const [ns, list] of u.podsByNs) {
      for (const c of list) this.nsOf[c.id] = this.names.length;
      this.names.push(ns);
      this.lists.push(list);
    }
    this.counts = new Int32Array(this.names.length);
    this.seen = new Uint32Array(u.endpoints.length);
  }

  /**
   * Pod classes as a set: "ns:*\/pod:*", whole namespaces and single classes, or every pod except the
   * complement in that form, whichever lists fewer items.
   */
  podSet(pods: readonly PodClass[]): { end: FlowEnd; text: string } {
    const { counts, lists } = this;
    const touched: number[] = [];
    const stamp = ++this.stamp;
    for (const p of pods) {
      if (this.seen[p.id] === stamp) continue;
      this.seen[p.id] = stamp;
      const i = this.nsOf[p.id]!;
      if (counts[i] === 0) touched.push(i);
      counts[i]! += 1;
    }
    let full = 0;
    let missingInPartial = 0;
    let partialMembers = 0;
    for (const i of touched) {
      const n = counts[i]!;
      if (n === lists[i]!.length) full++;
      else {
        missingInPartial += lists[i]!.length - n;
        partialMembers += n;
      }
    }
    const includeItems = full + partialMembers;
    const exceptItems = this.names.length - touched.length + missingInPartial;
    const namespaces: string[] = [];
    const classes: string[] = [];
    let out: { end: FlowEnd; text: string };
    if (exceptItems === 0) out = { end: { namespaces: ["*"] }, text: "ns:*/pod:*" };
    else if (exceptItems < includeItems && touched.length > 1) {
      for (let i = 0; i < this.names.length; i++) {
        const n = counts[i]!;
        if (n === 0) namespaces.push(this.names[i]!);
        else if (n < lists[i]!.length) for (const c of lists[i]!) if (this.seen[c.id] !== stamp) classes.push(c.label);
      }
      const except = listed(namespaces.sort(), classes.sort());
      out = { end: { namespaces: ["*"], except: except.end }, text: `ns:*/pod:* except ${except.text}` };
    } else {
      for (const i of touched) {
        if (counts[i] === lists[i]!.length) namespaces.push(this.names[i]!);
        else for (const c of lists[i]!) if (this.seen[c.id] === stamp) classes.push(c.label);
      }
      out = listed(namespaces.sort(), classes.sort());
    }
    for (const i of touched) counts[i] = 0;
    return out;
  }
}

function listed(
  namespaces: string[],
  pods: string[],
): { end: { namespaces?: string[]; pods?: string[] }; text: string } {
  const parts: string[] = [];
  if (namespaces.length === 1) parts.push(`ns:${namespaces[0]}/pod:*`);
  else if (namespaces.length > 1) parts.push(`ns:{${namespaces.join(",")}}/pod:*`);
  parts.push(...pods);
  return {
    end: { ...(namespaces.length ? { namespaces } : {}), ...(pods.length ? { pods } : {}) },
    text: parts.join(", "),
  };
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

/** The union of many decisions, built in one pass (pairwise merging is quadratic on big flows). */
function mergeDecisions(all: SideDecision[]): SideDecision {
  const keyOf = (d: SideDecision) => `${d.isolated}|${d.policies.join(",")}|${d.rules.map(ruleName).join(",")}`;
  const distinct = [...new Map(all.map((d) => [keyOf(d), d])).values()];
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
