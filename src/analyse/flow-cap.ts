// How many flows a report carries. Each namespace's flows are computed, counted and then either kept or
// reduced to their counts, so memory holds at most the cap (plus the namespace at hand), whatever the cluster.
// Past the cap the namespaces whose drift matters least give up their lists first: narrowing ones before
// changing and widening ones, and within one kind the last by name. Counts and the effect kind stay exact.
import type { EffectKind, FlowCapInfo, NamespaceEffect } from "../model/analysis.js";

const RANK: Record<EffectKind, number> = { widens: 0, changes: 1, narrows: 2, none: 3 };

export class FlowCap {
  private readonly kept: NamespaceEffect[][] = [[], [], [], []];
  private total = 0;
  private namespaces = 0;
  private flows = 0;

  /** `limit`: the most flows carried in all; Infinity carries every flow, 0 only the counts. */
  constructor(private readonly limit: number) {}

  /** Namespaces must come in name order, so the last kept of a kind is also the last by name. */
  take(e: NamespaceEffect): NamespaceEffect {
    const n = e.opened.length + e.closed.length;
    if (n === 0) return e;
    this.kept[RANK[e.effect]]!.push(e);
    this.total += n;
    while (this.total > this.limit) {
      let rank = this.kept.length - 1;
      while (this.kept[rank]!.length === 0) rank--;
      this.drop(this.kept[rank]!.pop()!);
    }
    return e;
  }

  /** What the cap left out; undefined when nothing was. */
  info(): FlowCapInfo | undefined {
    if (this.namespaces === 0) return undefined;
    return { limit: this.limit, namespaces: this.namespaces, flows: this.flows };
  }

  private drop(e: NamespaceEffect): void {
    const counts = { opened: e.opened.length, closed: e.closed.length };
    this.total -= counts.opened + counts.closed;
    this.flows += counts.opened + counts.closed;
    this.namespaces++;
    e.counts = counts;
    e.notListed = "cap";
    e.opened = [];
    e.closed = [];
  }
}
