// The flow cap: a full report carries at most N flows, reduced namespace by namespace to exact counts, the
// least severe first, and says what it left out. Unit (FlowCap) and through main() on the example capture.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FlowCap } from "../../../src/analyse/flow-cap.js";
import type { EffectKind, Flow, NamespaceEffect } from "../../../src/model/analysis.js";
import type { Report } from "../../../src/model/types.js";
import { runCli } from "../../fixtures/cli-context.js";

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

const REPO = path.resolve(import.meta.dirname, "../../..");
const ARGS = [
  "report",
  "--desired",
  path.join(REPO, "desired"),
  "--live-file",
  path.join(REPO, "examples/live-snapshot.json"),
];
const json = async (extra: string[], env: Record<string, string> = {}) => {
  const r = await runCli([...ARGS, "-o", "json", ...extra], { env });
  expect(r.code).toBe(1);
  return JSON.parse(r.stdout) as Report;
};
const flowsOf = (r: Report) => r.effects!.reduce((n, e) => n + e.opened.length + e.closed.length, 0);

describe("report --max-flows", () => {
  it("the default cap leaves the example whole", async () => {
    const r = await json([]);
    expect(r.analysis!.flowCap).toBeUndefined();
    expect(r.effects!.every((e) => e.notListed === undefined)).toBe(true);
  });

  it("a small cap: kinds and exact counts kept, lists left out, said in the JSON, the text and Markdown", async () => {
    const full = await json([]);
    const total = flowsOf(full);
    expect(total).toBeGreaterThan(3);
    const capped = await json(["--max-flows", "3"]);
    expect(flowsOf(capped)).toBeLessThanOrEqual(3);
    expect(capped.effects!.map((e) => [e.namespace, e.effect])).toEqual(
      full.effects!.map((e) => [e.namespace, e.effect]),
    );
    for (const [i, e] of capped.effects!.entries()) {
      const f = full.effects![i]!;
      if (e.notListed === "cap") expect(e.counts).toEqual({ opened: f.opened.length, closed: f.closed.length });
      else expect(e).toEqual(f);
    }
    const left = capped.effects!.filter((e) => e.notListed === "cap");
    expect(capped.analysis!.flowCap).toEqual({
      limit: 3,
      namespaces: left.length,
      flows: total - flowsOf(capped),
    });
    expect(capped.analysis!.notes.some((n) => n.startsWith(`flow cap: ${left.length} namespace`))).toBe(true);
    const text = await runCli([...ARGS, "--max-flows", "3"]);
    expect(text.stdout).toContain("(flows not listed: past the report's flow cap; --max-flows 0 lists every flow)");
    const md = await runCli([...ARGS, "-o", "markdown", "--max-flows", "3"]);
    expect(md.stdout).toContain("_Flows not listed: past the report's flow cap (`--max-flows 0` lists every flow)._");
  });

  it("0 lists every flow; NETPOL_DRIFT_MAX_FLOWS when the flag is absent, the flag wins", async () => {
    const full = await json([]);
    expect(await json(["--max-flows", "0"])).toEqual({ ...full, generatedAt: expect.any(String) });
    expect((await json([], { NETPOL_DRIFT_MAX_FLOWS: "1" })).analysis!.flowCap?.limit).toBe(1);
    expect((await json(["--max-flows", "0"], { NETPOL_DRIFT_MAX_FLOWS: "1" })).analysis!.flowCap).toBeUndefined();
  });

  it("summary carries no flow and no cap", async () => {
    const r = await json(["--analysis", "summary", "--max-flows", "1"]);
    expect(r.analysis!.flowCap).toBeUndefined();
    expect(r.effects!.every((e) => e.notListed === "summary")).toBe(true);
  });

  it("anything but a whole number is a usage error naming its source", async () => {
    const flag = await runCli([...ARGS, "--max-flows=-1"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--max-flows must be a whole number of flows (0 = every flow), got "-1"');
    const env = await runCli(ARGS, { env: { NETPOL_DRIFT_MAX_FLOWS: "lots" } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('NETPOL_DRIFT_MAX_FLOWS must be a whole number of flows (0 = every flow), got "lots"');
  });
});
