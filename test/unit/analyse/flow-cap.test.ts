// The flow cap: a full report carries at most N flows, reduced namespace by namespace to exact counts, the
// least severe first. Through main() (--max-flows): test/unit/analyse/analysis-level.test.ts.
import { describe, expect, it } from "vitest";
import { FlowCap } from "../../../src/analyse/flow-cap.js";
import type { EffectKind, Flow, NamespaceEffect } from "../../../src/model/analysis.js";

const flow = (n: number): Flow =>
  ({ source: `s${n}`, destination: "d", from: {}, to: {}, protocol: "TCP", ports: "80" }) as unknown as Flow;
const effect = (namespace: string, kind: EffectKind, opened: number, closed: number): NamespaceEffect => ({
  namespace,
  effect: kind,
  opened: Array.from({ length: opened }, (_, i) => flow(i)),
  closed: Array.from({ length: closed }, (_, i) => flow(i)),
});

describe("FlowCap", () => {
  it("keeps every flow under the cap and reports nothing left out", () => {
    const cap = new FlowCap(10);
    const kept = ["a", "b"].map((ns) => cap.take(effect(ns, "narrows", 2, 3)));
    expect(kept.every((e) => e.counts === undefined && e.opened.length + e.closed.length === 5)).toBe(true);
    expect(cap.info()).toBeUndefined();
  });

  it("past the cap, narrowing namespaces give up their lists before widening ones, the last by name first", () => {
    const cap = new FlowCap(6);
    const a = cap.take(effect("a", "narrows", 0, 3));
    const b = cap.take(effect("b", "widens", 4, 0));
    const c = cap.take(effect("c", "narrows", 0, 1));
    const d = cap.take(effect("d", "changes", 1, 1));
    // 3 + 4 > 6: a (narrows) goes; then c (narrows) fits: 4 + 1; then d: 7 > 6, so c goes.
    expect([a, b, c, d].map((e) => [e.namespace, e.notListed ?? "listed", e.counts])).toEqual([
      ["a", "cap", { opened: 0, closed: 3 }],
      ["b", "listed", undefined],
      ["c", "cap", { opened: 0, closed: 1 }],
      ["d", "listed", undefined],
    ]);
    expect(a.opened.length + a.closed.length + c.opened.length + c.closed.length).toBe(0);
    expect(cap.info()).toEqual({ limit: 6, namespaces: 2, flows: 4 });
  });

  it("a namespace larger than the cap alone keeps its counts, whatever its kind", () => {
    const cap = new FlowCap(2);
    const e = cap.take(effect("a", "widens", 3, 0));
    expect(e.counts).toEqual({ opened: 3, closed: 0 });
    expect(e.effect).toBe("widens");
    expect(cap.info()).toEqual({ limit: 2, namespaces: 1, flows: 3 });
  });

  it("0 carries counts only; Infinity carries everything", () => {
    const none = new FlowCap(0);
    expect(none.take(effect("a", "widens", 1, 0)).counts).toEqual({ opened: 1, closed: 0 });
    const all = new FlowCap(Infinity);
    expect(all.take(effect("a", "widens", 5000, 5000)).counts).toBeUndefined();
  });
});
