import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../fixtures/cli-context.js";
import { kubectlList, serverPolicy } from "../../fixtures/server-shaped.js";
import { policyYaml, put, tempTree } from "../../fixtures/temp-tree.js";

const stored = { podSelector: {}, policyTypes: ["Ingress"] };

// shop in sync; cart has an unmanaged policy; kube-system and team-x have drift (missing, unmanaged).
async function setup(): Promise<{ desired: string; capture: string }> {
  const root = await tempTree({
    "desired/shop/web.yaml": policyYaml("web"),
    "desired/cart/api.yaml": policyYaml("api"),
    "desired/team-x/deny.yaml": policyYaml("deny"),
  });
  const live = [
    serverPolicy("shop", "web", stored),
    serverPolicy("cart", "api", stored),
    serverPolicy("cart", "debug", stored),
    serverPolicy("kube-system", "calico-allow", stored),
  ];
  await put(root, "capture.json", JSON.stringify(kubectlList(live)));
  return { desired: path.join(root, "desired"), capture: path.join(root, "capture.json") };
}

const driftOf = (stdout: string) =>
  (JSON.parse(stdout) as { drift: { state: string; namespace: string; name: string }[] }).drift.map(
    (d) => `${d.state} ${d.namespace}/${d.name}`,
  );

describe("report: namespace scope", () => {
  it("sees everything without a scope", async () => {
    const { desired, capture } = await setup();
    const r = await runCli(["report", "--desired", desired, "--live-file", capture, "-o", "json"]);
    expect(r.code).toBe(1);
    expect(driftOf(r.stdout)).toEqual([
      "unmanaged cart/debug",
      "unmanaged kube-system/calico-allow",
      "missing team-x/deny",
    ]);
  });

  it("scopes both sides to -n (repeatable)", async () => {
    const { desired, capture } = await setup();
    const shop = await runCli(["report", "--desired", desired, "--live-file", capture, "-n", "shop", "-o", "json"]);
    expect(shop.code).toBe(0);
    expect((JSON.parse(shop.stdout) as { summary: unknown }).summary).toEqual({
      desired: 1,
      live: 1,
      inSync: 1,
      missing: 0,
      unmanaged: 0,
      modified: 0,
    });
    const two = await runCli([
      "report",
      "--desired",
      desired,
      "--live-file",
      capture,
      "-n",
      "shop",
      "--namespace",
      "team-x",
      "-o",
      "json",
    ]);
    expect(two.code).toBe(1);
    expect(driftOf(two.stdout)).toEqual(["missing team-x/deny"]);
  });

  it("leaves out --exclude-namespace globs (`*`, `?`, `{a,b}`) on both sides", async () => {
    const { desired, capture } = await setup();
    const r = await runCli([
      "report",
      "--desired",
      desired,
      "--live-file",
      capture,
      "--exclude-namespace",
      "kube-*",
      "--exclude-namespace",
      "team-{y,z}",
      "-o",
      "json",
    ]);
    expect(driftOf(r.stdout)).toEqual(["unmanaged cart/debug", "missing team-x/deny"]);
    const all = await runCli([
      "report",
      "--desired",
      desired,
      "--live-file",
      capture,
      "--exclude-namespace",
      "kube-*",
      "--exclude-namespace",
      "team-?",
      "--exclude-namespace",
      "cart",
    ]);
    expect(all.code).toBe(0);
  });
});

describe("report: usage errors exit 2 with a message on stderr", () => {
  it.each([
    [["report", "--bogus"], /Unknown option '--bogus'/],
    [["report", "-o", "yaml", "--live-file", "x"], /-o must be one of text, json, markdown, got "yaml"/],
    [
      ["report", "-n", "Not_A_Namespace", "--live-file", "x"],
      /--namespace "Not_A_Namespace" is not a valid namespace name/,
    ],
    [
      ["report", "--default-namespace", "Shop", "--live-file", "x"],
      /--default-namespace "Shop" is not a valid namespace name/,
    ],
    [
      ["report", "--live-file", "x", "--kubeconfig", "k"],
      /--live-file and --kubeconfig\/--context are two different live sources/,
    ],
    [["report", "--page-size", "0"], /--page-size must be a whole number/],
    [["report", "stray-positional", "--live-file", "x"], /Unexpected argument 'stray-positional'/],
    [["report", "--live-file"], /argument missing/],
    [["frobnicate"], /unknown command "frobnicate"/],
  ])("%j", async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("prints usage and exits 2 with no command, 0 for --help", async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Usage: netpol-drift <command>");
    const help = await runCli(["report", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes: 0 no drift, 1 drift, 2 error or incomplete");
  });
});
