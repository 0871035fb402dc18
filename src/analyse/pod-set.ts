// A set of pod classes as a reader sees it: "ns:*/pod:*", whole namespaces and single classes, or every pod
// except the complement in that form, whichever lists fewer items. A set comes as classes listed one by one,
// plus (from a row's background) whole classes with per-namespace counts less the ends visited one by one, so
// describing it costs what it lists and what differs from the counts, not one step per pod of the cluster.
import type { describePorts } from "./ports.js";
import type { BaseGroup, BulkPods } from "./row-background.js";
import type { FlowEnd, SideDecision } from "../model/analysis.js";
import type { Endpoint, PodClass, Universe } from "./universe.js";

interface Totals {
  /** Namespaces with a member, those wholly in, members of the rest, and the classes the rest lack. */
  present: number;
  full: number;
  partialMembers: number;
  missingInPartial: number;
}

/**
 * Namespaces by number, and scratch space, so a set of classes is counted per namespace without maps; and
 * what every namespace's flows print the same (port sets, address ranges), printed once.
 */
export class PodIndex {
  readonly described = new Map<number, ReturnType<typeof describePorts>>();
  readonly addresses = new Map<string, { end: FlowEnd; text: string }>();
  private readonly decisions = new Map<string, SideDecision>();
  readonly names: string[] = [];
  readonly lists: PodClass[][] = [];
  private readonly nsIds: Int32Array;
  private readonly counts: Int32Array;
  private readonly adjusted: Uint32Array;
  private readonly seen: Uint32Array;
  private readonly gone: Uint32Array;
  private readonly every: number[];
  private readonly externals: readonly Endpoint[];
  private readonly totals = new WeakMap<BaseGroup, Totals>();
  private stamp = 0;

  constructor(u: Universe) {
    this.nsIds = new Int32Array(u.endpoints.length).fill(-1);
    for (const [ns, list] of u.podsByNs) {
      for (const c of list) this.nsIds[c.id] = this.names.length;
      this.names.push(ns);
      this.lists.push(list);
    }
    this.counts = new Int32Array(this.names.length);
    this.adjusted = new Uint32Array(this.names.length);
    this.every = this.names.map((_, i) => i);
    this.seen = new Uint32Array(u.endpoints.length);
    this.gone = new Uint32Array(u.endpoints.length);
    this.externals = u.externals;
  }

  /**
   * A set of external classes as a short exact key, in id order: its members, or when it holds most of them
   * the ones it lacks (a row's addresses are mostly "everything but what x's rules name").
   */
  addressKey(members: readonly Endpoint[]): string {
    const stamp = ++this.stamp;
    for (const e of members) this.seen[e.id] = stamp;
    const most = 2 * members.length > this.externals.length;
    const ids: number[] = [];
    for (const e of this.externals) if ((this.seen[e.id] === stamp) !== most) ids.push(e.id);
    return `${most ? "~" : "+"}${ids.join(",")}`;
  }

  get size(): number {
    return this.names.length;
  }

  nsOf(p: PodClass): number {
    return this.nsIds[p.id]!;
  }

  /** The classes in `pods`, and with `bulk` every member of its classes that was not visited. */
  podSet(pods: readonly PodClass[], bulk?: BulkPods): { end: FlowEnd; text: string } {
    const { counts, lists, adjusted } = this;
    const stamp = ++this.stamp;
    const base = bulk?.base;
    const changed: number[] = [];
    const touch = (i: number) => {
      if (adjusted[i] === stamp) return;
      adjusted[i] = stamp;
      counts[i] = base ? base.counts[i]! : 0;
      changed.push(i);
    };
    for (const p of pods) {
      if (this.seen[p.id] === stamp) continue;
      this.seen[p.id] = stamp;
      const i = this.nsIds[p.id]!;
      touch(i);
      counts[i]! += 1;
    }
    // A visited pod is never a bulk member: where it belongs it is listed in `pods`.
    if (bulk) {
      for (const v of bulk.visited) {
        if (v.kind !== "pod" || !bulk.base.inGroup[bulk.classOf[v.id]!] || this.gone[v.id] === stamp) continue;
        this.gone[v.id] = stamp;
        const i = this.nsIds[v.id]!;
        touch(i);
        counts[i]! -= 1;
      }
    }
    const member = (c: PodClass) =>
      this.seen[c.id] === stamp ||
      (bulk !== undefined && bulk.base.inGroup[bulk.classOf[c.id]!] === 1 && this.gone[c.id] !== stamp);

    const t = { ...(base ? this.totalsOf(base) : { present: 0, full: 0, partialMembers: 0, missingInPartial: 0 }) };
    const count = (i: number, n: number, sign: 1 | -1) => {
      if (n === 0) return;
      const all = lists[i]!.length;
      t.present += sign;
      if (n === all) t.full += sign;
      else {
        t.partialMembers += sign * n;
        t.missingInPartial += sign * (all - n);
      }
    };
    for (const i of changed) {
      if (base) count(i, base.counts[i]!, -1);
      count(i, counts[i]!, 1);
    }
    const countOf = (i: number) => (adjusted[i] === stamp ? counts[i]! : base ? base.counts[i]! : 0);
    const includeItems = t.full + t.partialMembers;
    const exceptItems = this.names.length - t.present + t.missingInPartial;
    const namespaces: string[] = [];
    const classes: string[] = [];
    const present = base ? base.present : [];
    const absent = base ? base.absent : this.every;
    if (exceptItems === 0) return { end: { namespaces: ["*"] }, text: "ns:*/pod:*" };
    if (exceptItems < includeItems && t.present > 1) {
      const lacking = (i: number) => {
        const n = countOf(i);
        if (n === 0) namespaces.push(this.names[i]!);
        else if (n < lists[i]!.length) for (const c of lists[i]!) if (!member(c)) classes.push(c.label);
      };
      for (const i of absent) if (adjusted[i] !== stamp) lacking(i);
      for (const i of present) if (adjusted[i] !== stamp) lacking(i);
      for (const i of changed) lacking(i);
      const except = listed(namespaces.sort(), classes.sort());
      return { end: { namespaces: ["*"], except: except.end }, text: `ns:*/pod:* except ${except.text}` };
    }
    const holding = (i: number) => {
      const n = countOf(i);
      if (n === 0) return;
      if (n === lists[i]!.length) namespaces.push(this.names[i]!);
      else for (const c of lists[i]!) if (member(c)) classes.push(c.label);
    };
    for (const i of present) if (adjusted[i] !== stamp) holding(i);
    for (const i of changed) holding(i);
    return listed(namespaces.sort(), classes.sort());
  }

  /** A background class's own side, by class, direction and namespace (or "*"): computed once, then shared. */
  classDecision(key: string, make: () => SideDecision): SideDecision {
    let hit = this.decisions.get(key);
    if (!hit) {
      hit = make();
      this.decisions.set(key, hit);
    }
    return hit;
  }

  private totalsOf(base: BaseGroup): Totals {
    let hit = this.totals.get(base);
    if (!hit) {
      hit = { present: 0, full: 0, partialMembers: 0, missingInPartial: 0 };
      for (const i of base.present) {
        const n = base.counts[i]!;
        const all = this.lists[i]!.length;
        hit.present++;
        if (n === all) hit.full++;
        else {
          hit.partialMembers += n;
          hit.missingInPartial += all - n;
        }
      }
      this.totals.set(base, hit);
    }
    return hit;
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
