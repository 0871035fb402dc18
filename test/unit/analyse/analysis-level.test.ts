// `report --analysis full|summary|off` and NETPOL_DRIFT_ANALYSIS, `--max-flows` and NETPOL_DRIFT_MAX_FLOWS:
// how much of the traffic analysis a report carries. Through main(), on the example desired state and live capture.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../../src/model/types.js";
import { runCli } from "../../fixtures/cli-context.js";

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

describe("--analysis", () => {
  it("full (the default) lists the flows", async () => {
    const r = await json([]);
    expect(r.effects!.some((e) => e.opened.length > 0)).toBe(true);
    expect(r.effects!.every((e) => e.counts === undefined)).toBe(true);
    expect(r.violations!.length).toBeGreaterThan(0);
  });

  it("summary: the same kinds, flow counts instead of flows, violations kept", async () => {
    const full = await json([]);
    const summary = await json(["--analysis", "summary"]);
    expect(summary.effects!.map((e) => [e.namespace, e.effect, e.counts])).toEqual(
      full.effects!.map((e) => [e.namespace, e.effect, { opened: e.opened.length, closed: e.closed.length }]),
    );
    expect(summary.effects!.every((e) => e.opened.length === 0 && e.closed.length === 0)).toBe(true);
    expect(summary.violations).toEqual(full.violations);
    expect(summary.analysis!.level).toBe("summary");
    const text = await runCli([...ARGS, "--analysis", "summary"]);
    expect(text.stdout).toContain("effect: WIDENS — 14 flows opened");
    expect(text.stdout).toContain("(flows not listed: --analysis summary)");
    const md = await runCli([...ARGS, "-o", "markdown", "--analysis", "summary"]);
    expect(md.stdout).toContain("| **widens** | `stratmaster` | 14 | 0 |");
  });

  it("off: drift only, said so", async () => {
    const r = await json(["--analysis", "off"]);
    expect(r.effects).toBeUndefined();
    expect(r.violations).toBeUndefined();
    expect(r.analysis!.level).toBe("off");
    expect(r.drift.length).toBe(6);
  });

  it("NETPOL_DRIFT_ANALYSIS when the flag is absent; the flag wins", async () => {
    expect((await json([], { NETPOL_DRIFT_ANALYSIS: "off" })).effects).toBeUndefined();
    expect((await json(["--analysis", "full"], { NETPOL_DRIFT_ANALYSIS: "off" })).effects!.length).toBeGreaterThan(0);
  });

  it("anything else is a usage error naming where it came from", async () => {
    const flag = await runCli([...ARGS, "--analysis", "some"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--analysis must be one of full, summary, off, got "some"');
    const env = await runCli(ARGS, { env: { NETPOL_DRIFT_ANALYSIS: "Full" } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('NETPOL_DRIFT_ANALYSIS must be one of full, summary, off, got "Full"');
  });
});

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
