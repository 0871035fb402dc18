// One changed endpoint against every other: what its own side (the sender's egress or the receiver's
// ingress) now lets through or blocks that it did not, where the other end lets it through. Other ends are
// grouped by that outcome as they are visited, so nothing per pair is kept; a pair whose own side is the
// same on both sides is dropped after one comparison of two integers.
import type { PortTable } from "./port-table.js";
import type { Side, Direction } from "./side.js";
import type { Endpoint } from "./universe.js";

/** One member per distinct decision, to explain it; `several`: the members it stands for are in more than
 *  one namespace (each then selected by its own policies of the same names). */
export interface Rep {
  end: Endpoint;
  several: boolean;
}

/** Other ends with the same outcome. */
export interface RowGroup {
  opened: number;
  closed: number;
  members: Endpoint[];
  reps: Map<string, Rep>;
}

export interface Sides {
  desired: Side;
  live: Side;
  table: PortTable;
}

const opposite = (d: Direction): Direction => (d === "egress" ? "ingress" : "egress");

/**
 * The row of `x` in direction `dir` ("egress": x sends to every endpoint; "ingress": x receives from every
 * endpoint). A change is charged to x's namespace only where x's own side flipped:
 *   opened = (own_live − own_desired) ∩ other_live, closed = (own_desired − own_live) ∩ other_desired.
 */
export function rowOf(s: Sides, x: Endpoint, dir: Direction, all: readonly Endpoint[], shapes: (side: Side, dir: Direction, e: Endpoint) => number): RowGroup[] {
  const { desired, live, table } = s;
  const opp = opposite(dir);
  const groups = new Map<number, RowGroup>();
  for (const y of all) {
    const src = dir === "egress" ? x : y;
    const dst = dir === "egress" ? y : x;
    const ownD = sideId(desired, table, dir, src, dst);
    const ownL = sideId(live, table, dir, src, dst);
    const ownMask = lastMask;
    if (ownD === ownL) continue;
    const otherD = sideId(desired, table, opp, src, dst);
    const otherL = sideId(live, table, opp, src, dst);
    const otherMask = lastMask;
    let opened = table.inter(table.minus(ownL, ownD), otherL);
    let closed = table.inter(table.minus(ownD, ownL), otherD);
    // A pair inside x's namespace is charged there by the sender's row already where the sender's egress
    // flipped too: the receiver's row keeps only the rest, so no pair and port is listed twice.
    if (dir === "ingress" && y.kind === "pod" && x.kind === "pod" && y.namespace === x.namespace) {
      opened = table.inter(opened, otherD);
      closed = table.inter(closed, otherL);
    }
    if (opened === table.NONE && closed === table.NONE) continue;
    const key = opened * 2 ** 21 + closed;
    let g = groups.get(key);
    if (!g) {
      g = { opened, closed, members: [], reps: new Map() };
      groups.set(key, g);
    }
    g.members.push(y);
    // Decisions differ by which rules matched and by the other end's own policies (by name: "default-deny"
    // in every namespace is one shape), so one member per distinct combination explains the group.
    const rk = `${y.kind}|${ownMask}|${shapes(live, opp, y)}|${otherMask}`;
    const rep = g.reps.get(rk);
    if (!rep) g.reps.set(rk, { end: y, several: false });
    else if (!rep.several && y.kind === "pod" && rep.end.kind === "pod" && y.namespace !== rep.end.namespace) rep.several = true;
  }
  return [...groups.values()];
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
