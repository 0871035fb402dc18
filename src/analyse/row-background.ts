// The ends of a row that no rule of the changed end singles out: sorted into background classes (kind,
// isolation on each side, and the live policies that select them), every member of a class gets the same
// outcome. Pods of a class are then taken whole, as a set with per-namespace counts, instead of one by one:
// a row costs what its own rules single out plus one step per class, not one per endpoint of the cluster.
import { pairKey, type PortTable } from "./port-table.js";
import type { PodIndex } from "./pod-set.js";
import type { Direction, Side } from "./side.js";
import type { Endpoint, PodClass, Universe } from "./universe.js";

export interface BackgroundClass {
  id: number;
  kind: Endpoint["kind"];
  iso: { desired: boolean; live: boolean };
  /** Pods only, in endpoint order. */
  members: PodClass[];
  /** Members per namespace index. */
  perNs: Map<number, number>;
}

/**
 * Pods of some background classes that share one outcome, as a set: per-namespace counts, and which
 * namespaces hold none. `inGroup` is indexed by class id.
 */
export interface BaseGroup {
  opened: number;
  closed: number;
  classes: BackgroundClass[];
  inGroup: Uint8Array;
  counts: Int32Array;
  present: number[];
  absent: number[];
}

/** Pods taken whole: every member of the base group's classes except the ends the row visited one by one. */
export interface BulkPods {
  base: BaseGroup;
  visited: readonly Endpoint[];
  classOf: Int32Array;
}

export class Background {
  /** Per endpoint id: its class id. */
  readonly classOf: Int32Array;
  readonly classes: BackgroundClass[] = [];
  private readonly bases = new Map<string, BaseGroup[]>();

  constructor(
    desired: Side,
    live: Side,
    dir: Direction,
    universe: Universe,
    private readonly index: PodIndex,
    shapeOf: (side: Side, dir: Direction, e: Endpoint) => number,
  ) {
    const ids = new Map<string, number>();
    this.classOf = new Int32Array(universe.endpoints.length);
    for (const e of universe.endpoints) {
      const d = desired.selectingPolicies(dir, e).length > 0;
      const l = live.selectingPolicies(dir, e).length > 0;
      const key = `${e.kind}|${d}|${l}|${shapeOf(live, dir, e)}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = this.classes.length;
        ids.set(key, id);
        this.classes.push({ id, kind: e.kind, iso: { desired: d, live: l }, members: [], perNs: new Map() });
      }
      this.classOf[e.id] = id;
      if (e.kind === "pod") {
        const c = this.classes[id]!;
        c.members.push(e);
        const ns = index.nsOf(e);
        c.perNs.set(ns, (c.perNs.get(ns) ?? 0) + 1);
      }
    }
  }

  /**
   * What a member of the class gets when no rule of either of its sides names the changed end: open where it
   * is not isolated, closed where it is. `own` are the changed end's ports towards ends no rule singles out.
   */
  outcome(
    t: PortTable,
    c: BackgroundClass,
    own: { desired: number; live: number },
  ): { opened: number; closed: number } | null {
    const opened = t.inter(t.minus(own.live, own.desired), c.iso.live ? t.NONE : t.ALL);
    const closed = t.inter(t.minus(own.desired, own.live), c.iso.desired ? t.NONE : t.ALL);
    return opened === t.NONE && closed === t.NONE ? null : { opened, closed };
  }

  /** The pod classes by outcome for these own ports, computed once per distinct pair of port sets. */
  podGroups(t: PortTable, own: { desired: number; live: number }): BaseGroup[] {
    const key = `${own.desired}|${own.live}`;
    let hit = this.bases.get(key);
    if (hit) return hit;
    const byOutcome = new Map<number, BaseGroup>();
    const n = this.index.size;
    for (const c of this.classes) {
      if (c.kind !== "pod") continue;
      const o = this.outcome(t, c, own);
      if (!o) continue;
      const k = pairKey(o.opened, o.closed);
      let g = byOutcome.get(k);
      if (!g) {
        g = {
          ...o,
          classes: [],
          inGroup: new Uint8Array(this.classes.length),
          counts: new Int32Array(n),
          present: [],
          absent: [],
        };
        byOutcome.set(k, g);
      }
      g.classes.push(c);
      g.inGroup[c.id] = 1;
      for (const [ns, count] of c.perNs) g.counts[ns]! += count;
    }
    hit = [...byOutcome.values()];
    for (const g of hit) for (let i = 0; i < n; i++) (g.counts[i]! > 0 ? g.present : g.absent).push(i);
    this.bases.set(key, hit);
    return hit;
  }
}

/**
 * One class's part of a bulk group, less the visited ends (`visitedIn`: how many of its members per namespace
 * index): the member that stands for it, and whether what is left spans more than one namespace. Undefined
 * when every member was visited.
 */
export function classRep(
  c: BackgroundClass,
  isVisited: (e: Endpoint) => boolean,
  visitedIn: Map<number, number> | undefined,
): { end: PodClass; several: boolean } | undefined {
  let end: PodClass | undefined;
  for (const m of c.members) {
    if (!isVisited(m)) {
      end = m;
      break;
    }
  }
  if (!end) return undefined;
  let span = c.perNs.size;
  if (visitedIn) for (const [ns, k] of visitedIn) if (k === c.perNs.get(ns)) span--;
  return { end, several: span > 1 };
}
