// One changed endpoint against every other: what its own side (the sender's egress or the receiver's
// ingress) now lets through or blocks that it did not, where the other end lets it through. Only the ends
// some rule singles out are checked one by one; every other end gets the same answer from x's rules that
// match everything, and its own side is open or closed by whether it is isolated at all, so it is sorted
// into a precomputed class in O(1). A pair whose own side is the same on both sides is never visited.
import { MatchSets } from "./match-sets.js";
import type { PortTable } from "./port-table.js";
import type { Direction, Side } from "./side.js";
import type { Endpoint, Universe } from "./universe.js";

/** One member per distinct decision, to explain it; `several`: the members it stands for are in more than
 *  one namespace (each then selected by its own policies of the same names). */
export interface Rep {
  end: Endpoint;
  several: boolean;
}

/** Other ends with the same outcome (interned port sets). */
export interface RowGroup {
  opened: number;
  closed: number;
  members: Endpoint[];
  reps: Map<string, Rep>;
}

const opposite = (d: Direction): Direction => (d === "egress" ? "ingress" : "egress");
// Two interned ids pack into one exact double key.
const SHIFT = 2 ** 21;

interface Background {
  /** Per endpoint id: its class by kind, isolation on each side and live policy names (other direction). */
  classOf: Int32Array;
  iso: { desired: boolean; live: boolean }[];
}

export class Rows {
  private readonly sets: { desired: MatchSets; live: MatchSets };
  private readonly background: Partial<Record<Direction, Background>> = {};
  private readonly mark: Uint32Array;
  private stamp = 0;
  private readonly shapeIds = new Map<string, number>();

  constructor(
    private readonly desired: Side,
    private readonly live: Side,
    private readonly table: PortTable,
    private readonly universe: Universe,
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
    const add = (y: Endpoint, opened: number, closed: number, rk: string) => {
      const key = opened * SHIFT + closed;
      let g = groups.get(key);
      if (!g) {
        g = { opened, closed, members: [], reps: new Map() };
        groups.set(key, g);
      }
      g.members.push(y);
      const rep = g.reps.get(rk);
      if (!rep) g.reps.set(rk, { end: y, several: false });
      else if (!rep.several && y.kind === "pod" && rep.end.kind === "pod" && y.namespace !== rep.end.namespace)
        rep.several = true;
    };

    const bulk = !everyone && (bg.desired.pod !== bg.live.pod || bg.desired.external !== bg.live.external);
    if (everyone) for (const y of this.universe.endpoints) this.visit(x, y, dir, add);
    else if (!bulk) for (const y of specials) this.visit(x, y, dir, add);
    else {
      const back = this.backgroundOf(opp);
      // Per background class: its group and rep, or null when the class sees no change (no map per end).
      const outcome: ({ g: RowGroup; rep: Rep } | null | undefined)[] = [];
      for (const y of this.universe.endpoints) {
        if (this.mark[y.id] === stamp) {
          this.visit(x, y, dir, add);
          continue;
        }
        const c = back.classOf[y.id]!;
        let o = outcome[c];
        if (o === undefined) {
          const ownD = bg.desired[y.kind];
          const ownL = bg.live[y.kind];
          const iso = back.iso[c]!;
          // No rule of the other end matches x: it is open where it is not isolated, closed where it is.
          const opened = t.inter(t.minus(ownL, ownD), iso.live ? t.NONE : t.ALL);
          const closed = t.inter(t.minus(ownD, ownL), iso.desired ? t.NONE : t.ALL);
          if (opened === t.NONE && closed === t.NONE) o = null;
          else {
            add(y, opened, closed, `bg|${c}`);
            const g = groups.get(opened * SHIFT + closed)!;
            o = { g, rep: g.reps.get(`bg|${c}`)! };
            outcome[c] = o;
            continue;
          }
          outcome[c] = o;
        }
        if (o) {
          o.g.members.push(y);
          if (!o.rep.several && y.kind === "pod" && o.rep.end.kind === "pod" && y.namespace !== o.rep.end.namespace)
            o.rep.several = true;
        }
      }
    }
    return [...groups.values()];
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
    let hit = this.background[dir];
    if (hit) return hit;
    const ids = new Map<string, number>();
    const classOf = new Int32Array(this.universe.endpoints.length);
    const iso: Background["iso"] = [];
    for (const e of this.universe.endpoints) {
      const d = this.desired.selectingPolicies(dir, e).length > 0;
      const l = this.live.selectingPolicies(dir, e).length > 0;
      const key = `${e.kind}|${d}|${l}|${this.shapeOf(this.live, dir, e)}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        iso.push({ desired: d, live: l });
      }
      classOf[e.id] = id;
    }
    hit = { classOf, iso };
    this.background[dir] = hit;
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
