// `eval` and `report` read the live side and the workloads through the same flag handling (F-D2): what one
// refuses, the other refuses, with the same words. Every row but "both sources of workloads" failed before for
// eval: it went ahead (loading the kubeconfig, reading stdin twice) or said other words where report said no.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../fixtures/cli-context.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const DESIRED = path.join(REPO, "desired");
const LIVE = path.join(REPO, "examples/live-snapshot.json");
// Never read: every row is refused before any file is opened.
const WORKLOADS = path.join(REPO, "workloads-never-read.json");

const QUERY = ["--from", "tenant-acme/app=web", "--to", "tenant-globex/app=web", "--port", "80"];

/** The same offending flags given to report and to eval (which needs a query, and --desired unless a capture). */
async function both(flags: string[]) {
  const ownsPolicies = flags.includes("--live-file");
  const report = await runCli(["report", "--desired", DESIRED, ...flags]);
  const evaluate = await runCli(["eval", ...(ownsPolicies ? [] : ["--desired", DESIRED]), ...QUERY, ...flags]);
  const said = (stderr: string) => stderr.split("\n")[0]!.replace(/^netpol-drift (report|eval): /, "");
  return { report: [report.code, said(report.stderr)], eval: [evaluate.code, said(evaluate.stderr)] };
}

describe("eval refuses what report refuses", () => {
  it.each([
    [
      "a capture with --resolve-workloads",
      ["--live-file", LIVE, "--resolve-workloads"],
      "the live side is the capture",
    ],
    [
      "--page-size 0",
      ["--resolve-workloads", "--page-size", "0"],
      "--page-size must be a whole number from 1 to 100000",
    ],
    [
      "--page-size 100001",
      ["--resolve-workloads", "--page-size", "100001"],
      "--page-size must be a whole number from 1 to 100000",
    ],
    ["--workloads - with --live-file -", ["--workloads", "-", "--live-file", "-"], "cannot both read stdin"],
    ["both sources of workloads", ["--workloads", WORKLOADS, "--resolve-workloads"], "two sources of workloads"],
    ["a capture and a kubeconfig", ["--live-file", LIVE, "--kubeconfig", LIVE], "two different live sources"],
  ])("%s", async (_row, flags, words) => {
    const r = await both(flags);
    expect(r.report).toEqual([2, expect.stringContaining(words)]);
    expect(r.eval).toEqual(r.report);
  });
});

// F-P5: --values is read in one place for every command, and a file that cannot be read says the same thing
// everywhere: the file as named, what is wrong, the setting that named it. A result that has problems lists it
// there (report, check: exit 2); eval, which has none, says it and exits 2.
describe("--values: one reader, one error shape", () => {
  const missing = path.join(REPO, "values-that-do-not-exist.yaml");
  const problem = { file: missing, message: "no such file (--values)" };

  it("report and check list it as a problem of the result; eval says it; all exit 2", async () => {
    const report = await runCli([
      "report",
      "--desired",
      DESIRED,
      "--live-file",
      LIVE,
      "--values",
      missing,
      "-o",
      "json",
    ]);
    expect([report.code, JSON.parse(report.stdout).problems]).toEqual([2, [problem]]);
    const check = await runCli(["check", "--desired", DESIRED, "--values", missing, "-o", "json"]);
    expect([check.code, JSON.parse(check.stdout).problems]).toEqual([2, [problem]]);
    const evaluate = await runCli(["eval", "--desired", DESIRED, ...QUERY, "--values", missing]);
    expect([evaluate.code, evaluate.stderr]).toEqual([2, `netpol-drift eval: ${missing}: no such file (--values)\n`]);
  });
});
