// One changed endpoint against every other: what its own side (the sender's egress or the receiver's
// ingress) now lets through or blocks that it did not, where the other end lets it through. Only the ends
// some rule singles out are checked one by one; every other end gets the same answer from x's rules that
// match everything, and its own side is open or closed by whether it is isolated at all: such pods are taken
// by background class, whole (row-background.ts), so a row costs what x's rules name plus one step per class,
// not one per endpoint. A pair whose own side is the same on both sides is never visited.
import { MatchSets } from "./match-sets.js";
import type { PodIndex } from "./pod-set.js";
import { Background, classRep, type BulkPods } from "./row-background.js";
import { pairKey, type PortTable } from "./port-table.js";
import type { Direction, Side } from "./side.js";
import type { Endpoint, Universe } from "./universe.js";

/** One member per distinct decision, to explain it; `several`: the members it stands for are in more than
 *  one namespace (each then selected by its own policies of the same names). */
export interface Rep {
  end: Endpoint;
  several: boolean;
  /** Set for a background class's member: no rule of either end names the other, so its decisions are the class's. */
  cls?: number;
}

/** Other ends with the same outcome (interned port sets). */
export interface RowGroup {
  opened: number;
  closed: number;
  members: Endpoint[];
  /** Pods taken whole by background class (not in `members`). */
  bulk?: BulkPods;
  reps: Map<string, Rep>;
}

const opposite = (d: Direction): Direction => (d === "egress" ? "ingress" : "egress");

export class Rows {
  private readonly sets: { desired: MatchSets; live: MatchSets };
  private readonly backgrounds: Partial<Record<Direction, Background>> = {};
  private readonly mark: Uint32Array;
  private stamp = 0;
  private readonly shapeIds = new Map<string, number>();

  constructor(
    private readonly desired: Side,
    private readonly live: Side,
    private readonly table: PortTable,
    private readonly universe: Universe,
    private readonly index: PodIndex,
  ) {
    this.sets = { desired: new MatchSets(desired, universe), live: new MatchSets(live, universe) };
    this.mark = new Uint32Array(universe.endpoints.length);
  }

  /**
   * The row of `x` in direction `dir` ("egress": x sends to every endpoint; "ingress": x receives from every
   * endpoint). What flipped is charged to x's namespace only where x's own side flipped:
   *   opened = (own_live − own_desired) ∩ other_live, closed = (own_desired − own_live) ∩ other_desired.
   */
  row(x: Endpoint, dir: Direction): RowGroup[] {
    const t = this.table;
    const stamp = ++this.stamp;
    const specials: Endpoint[] = [];
    const single = (e: Endpoint) => {
      if (this.mark[e.id] !== stamp) {
        this.mark[e.id] = stamp;
        specials.push(e);
      }
    };
    // x's own rules: what the ends no rule singles out get (per kind), and the ends some rule does.
    const bg = { desired: { pod: t.NONE, external: t.NONE }, live: { pod: t.NONE, external: t.NONE } };
    let everyone = false;
    for (const name of ["desired", "live"] as const) {
      const side = this[name];
      const policies = side.selectingPolicies(dir, x);
      if (policies.length === 0) {
        bg[name] = { pod: t.ALL, external: t.ALL };
        continue;
      }
      for (const p of policies) {
        for (const rule of p[dir]!) {
          const ms = this.sets[name].of(rule, p.policy.namespace);
          for (const e of ms.list) single(e);
          if (!ms.allPods && !ms.allExternals) continue;
          // A named port resolves on each destination: a rule that matches every destination must then be
          // asked per destination.
          if (dir === "egress" && !rule.fixedPorts) everyone = true;
          const ports = t.rulePorts(rule, x);
          if (ms.allPods) bg[name].pod = t.union(bg[name].pod, ports);
          if (ms.allExternals) bg[name].external = t.union(bg[name].external, ports);
        }
      }
    }
    const opp = opposite(dir);
    for (const e of this.desired.reachedBy(opp, x)) single(e);
    for (const e of this.live.reachedBy(opp, x)) single(e);
    // Pairs inside x's own namespace take the careful path (see the dedupe in `visit`).
    if (x.kind === "pod") for (const e of this.universe.podsByNs.get(x.namespace) ?? []) single(e);

    const groups = new Map<number, RowGroup>();
    const groupOf = (opened: number, closed: number) => {
      const key = pairKey(opened, closed);
      let g = groups.get(key);
      if (!g) {
        g = { opened, closed, members: [], reps: new Map() };
        groups.set(key, g);
      }
      return g;
    };
    const add = (y: Endpoint, opened: number, closed: number, rk: string) => {
      const g = groupOf(opened, closed);
      g.members.push(y);
      const rep = g.reps.get(rk);
      if (!rep) g.reps.set(rk, { end: y, several: false });
      else if (!rep.several && y.kind === "pod" && rep.end.kind === "pod" && y.namespace !== rep.end.namespace)
        rep.several = true;
    };

    const bulk = !everyone && (bg.desired.pod !== bg.live.pod || bg.desired.external !== bg.live.external);
    if (everyone) for (const y of this.universe.endpoints) this.visit(x, y, dir, add);
    else {
      for (const y of specials) this.visit(x, y, dir, add);
      if (bulk) this.background(opp, bg, specials, stamp, groupOf);
    }
    return [...groups.values()];
  }

  /**
   * The ends no rule singled out, by background class: external addresses one by one (they are few), pods
   * as whole classes less the visited ends, each class with one member to explain it.
   */
  private background(
    opp: Direction,
    bg: Record<"desired" | "live", Record<Endpoint["kind"], number>>,
    specials: Endpoint[],
    stamp: number,
    groupOf: (opened: number, closed: number) => RowGroup,
  ): void {
    const t = this.table;
    const back = this.backgroundOf(opp);
    const isVisited = (e: Endpoint) => this.mark[e.id] === stamp;
    // Per class: the group its members join and the member that stands for it, or null (no change).
    const joined = new Map<number, RowGroup | null>();
    for (const y of this.universe.externals) {
      if (isVisited(y)) continue;
      const c = back.classOf[y.id]!;
      let g = joined.get(c);
      if (g === undefined) {
        const o = back.outcome(t, back.classes[c]!, { desired: bg.desired.external, live: bg.live.external });
        g = o ? groupOf(o.opened, o.closed) : null;
        if (g) g.reps.set(`bg|${c}`, { end: y, several: false });
        joined.set(c, g);
      }
      g?.members.push(y);
    }
    const bases = back.podGroups(t, { desired: bg.desired.pod, live: bg.live.pod });
    if (bases.length === 0) return;
    const visitedIn = new Map<number, Map<number, number>>();
    for (const y of specials) {
      if (y.kind !== "pod") continue;
      const c = back.classOf[y.id]!;
      const ns = this.index.nsOf(y);
      const perNs = visitedIn.get(c) ?? new Map<number, number>();
      perNs.set(ns, (perNs.get(ns) ?? 0) + 1);
      visitedIn.set(c, perNs);
    }
    for (const base of bases) {
      let g: RowGroup | undefined;
      for (const c of base.classes) {
        const rep = classRep(c, isVisited, visitedIn.get(c.id));
        if (!rep) continue;
        g ??= groupOf(base.opened, base.closed);
        g.reps.set(`bg|${c.id}`, { ...rep, cls: c.id });
      }
      if (g) g.bulk = { base, visited: specials, classOf: back.classOf };
    }
  }

  /** One pair, checked in full. */
  private visit(
    x: Endpoint,
    y: Endpoint,
    dir: Direction,
    add: (y: Endpoint, opened: number, closed: number, rk: string) => void,
  ): void {
    const t = this.table;
    const opp = opposite(dir);
    const src = dir === "egress" ? x : y;
    const dst = dir === "egress" ? y : x;
    const ownD = sideId(this.desired, t, dir, src, dst);
    const ownL = sideId(this.live, t, dir, src, dst);
    const ownMask = lastMask;
    if (ownD === ownL) return;
    const otherD = sideId(this.desired, t, opp, src, dst);
    const otherL = sideId(this.live, t, opp, src, dst);
    const otherMask = lastMask;
    let opened = t.inter(t.minus(ownL, ownD), otherL);
    let closed = t.inter(t.minus(ownD, ownL), otherD);
    // A pair inside x's namespace is charged there by the sender's row already where the sender's egress
    // flipped too: the receiver's row keeps only the rest, so no pair and port is listed twice.
    if (dir === "ingress" && y.kind === "pod" && x.kind === "pod" && y.namespace === x.namespace) {
      opened = t.inter(opened, otherD);
      closed = t.inter(closed, otherL);
    }
    if (opened === t.NONE && closed === t.NONE) return;
    // Decisions differ by which rules matched and by the other end's own policies (by name: "default-deny"
    // in every namespace is one shape), so one member per distinct combination explains the group.
    add(y, opened, closed, `${y.kind}|${ownMask}|${this.shapeOf(this.live, opp, y)}|${otherMask}`);
  }

  private shapeOf(side: Side, dir: Direction, e: Endpoint): number {
    const key = side
      .selectingPolicies(dir, e)
      .map((p) => `${p.policy.name}:${p[dir]!.length}`)
      .join("/");
    let id = this.shapeIds.get(key);
    if (id === undefined) {
      id = this.shapeIds.size;
      this.shapeIds.set(key, id);
    }
    return id;
  }

  private backgroundOf(dir: Direction): Background {
    let hit = this.backgrounds[dir];
    if (!hit) {
      hit = new Background(this.desired, this.live, dir, this.universe, this.index, (side, d, e) =>
        this.shapeOf(side, d, e),
      );
      this.backgrounds[dir] = hit;
    }
    return hit;
  }
}

/** Which rules matched in the last sideId call: a bit per rule, or their indexes past 30 rules. */
let lastMask: number | string = 0;

/** One side's ports for one direction between two endpoints, as an interned id; sets lastMask. */
function sideId(side: Side, table: PortTable, dir: Direction, src: Endpoint, dst: Endpoint): number {
  const self = dir === "egress" ? src : dst;
  const peer = dir === "egress" ? dst : src;
  const policies = side.selectingPolicies(dir, self);
  lastMask = -1;
  if (policies.length === 0) return table.ALL;
  let acc = table.NONE;
  let mask: number | string = 0;
  let bit = 0;
  for (const p of policies) {
    for (const rule of p[dir]!) {
      if (side.ruleMatches(rule, p.policy.namespace, peer)) {
        acc = table.union(acc, table.rulePorts(rule, dst));
        if (typeof mask === "number" && bit < 30) mask |= 1 << bit;
        else mask = `${mask},${bit}`;
      }
      bit++;
    }
  }
  lastMask = mask;
  return acc;
}
