import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../fixtures/cli-context.js";
import { kubectlList, rawApiList, serverPolicy, type Json } from "../../fixtures/server-shaped.js";
import { policyYaml, put, tempTree } from "../../fixtures/temp-tree.js";

// `netpol-drift report` end to end in-process: real temp folders and capture files, exit codes as kubectl diff.

const stored = { podSelector: {}, policyTypes: ["Ingress"] };
const liveShop = serverPolicy("shop", "web", stored);
const liveCart = serverPolicy("cart", "api", stored);

async function setup(
  live: Json | string,
  files: Record<string, string> = {},
): Promise<{ root: string; desired: string; capture: string }> {
  const root = await tempTree({
    "desired/shop/web.yaml": policyYaml("web"),
    "desired/cart/api.yaml": policyYaml("api"),
    ...files,
  });
  await put(root, "capture.json", typeof live === "string" ? live : JSON.stringify(live, null, 2));
  return { root, desired: path.join(root, "desired"), capture: path.join(root, "capture.json") };
}

describe("report: exit codes", () => {
  it("exits 0 when in sync", async () => {
    const { desired, capture } = await setup(kubectlList([liveShop, liveCart]));
    const r = await runCli(["report", "--desired", desired, "--live-file", capture]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[2]).toBe(
      "in sync: no drift — 0 modified, 0 missing, 0 unmanaged, 2 in sync (desired 2, live 2)",
    );
  });

  it("exits 1 on drift", async () => {
    const { desired, capture } = await setup(
      kubectlList([
        liveShop,
        serverPolicy("cart", "api", { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] }),
      ]),
    );
    const r = await runCli(["report", "--desired", desired, "--live-file", capture, "-o", "json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as {
      complete: boolean;
      drift: { state: string; namespace: string; name: string; changes: unknown[] }[];
    };
    expect(json.complete).toBe(true);
    expect(json.drift.map((d) => [d.state, d.namespace, d.name, d.changes])).toEqual([
      ["modified", "cart", "api", [{ path: "spec.ingress", live: [{}] }]],
    ]);
  });

  it("exits 2 on a broken desired file and names it with its line", async () => {
    const { desired, capture } = await setup(kubectlList([liveShop, liveCart]), {
      "desired/shop/broken.yaml": "apiVersion: v1\nkind: List\nitems:\n\t- x\n",
    });
    const r = await runCli(["report", "--desired", desired, "--live-file", capture]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("\n  shop/broken.yaml:4: invalid YAML: Tabs are not allowed as indentation\n");
    expect(r.stdout.split("\n")[2]).toMatch(/^INCOMPLETE: /);
  });

  it("exits 2 when the desired folder does not exist", async () => {
    const { root, capture } = await setup(kubectlList([]));
    const r = await runCli(["report", "--desired", path.join(root, "nope"), "--live-file", capture, "-o", "json"]);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { problems: { message: string }[] }).problems.map((p) => p.message)).toEqual([
      "desired state directory does not exist or is not a directory",
    ]);
  });

  it.each([
    ["an empty file", ""],
    ["whitespace and `---` only", "\n---\n\n"],
    ["truncated JSON", JSON.stringify(kubectlList([liveShop])).slice(0, 200)],
    ["a JSON array", "[]"],
    [
      "a Status from a failed kubectl get",
      JSON.stringify({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "networkpolicies is forbidden",
        code: 403,
      }),
    ],
    ["extensions/v1beta1 objects", JSON.stringify(kubectlList([{ ...liveShop, apiVersion: "extensions/v1beta1" }]))],
  ])("exits 2 on a live capture that is %s, with no verdicts", async (_what, text) => {
    const { desired, capture } = await setup(text);
    const r = await runCli(["report", "--desired", desired, "--live-file", capture, "-o", "json"]);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as { complete: boolean; drift: unknown[]; problems: { call: string }[] };
    expect(json.complete).toBe(false);
    expect(json.drift).toEqual([]);
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0]?.call).toBe(`read ${capture}`);
  });

  it("exits 2 on a live file that cannot be read", async () => {
    const { desired, root } = await setup(kubectlList([]));
    for (const missing of [path.join(root, "absent.json"), root]) {
      const r = await runCli(["report", "--desired", desired, "--live-file", missing]);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(`read ${missing}: `);
    }
  });
});

describe("report: live sources", () => {
  it("reads the capture from stdin with --live-file -", async () => {
    const { desired } = await setup(kubectlList([]));
    const r = await runCli(["report", "--desired", desired, "--live-file", "-", "-o", "json"], {
      stdin: JSON.stringify(kubectlList([liveShop, liveCart])),
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { cluster: string }).cluster).toBe("stdin");
  });

  it("exits 2 on an empty stdin", async () => {
    const { desired } = await setup(kubectlList([]));
    const r = await runCli(["report", "--desired", desired, "--live-file", "-"], { stdin: "" });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("read stdin: the capture is empty");
  });

  it("reads a raw API NetworkPolicyList (items without kind) and a YAML capture", async () => {
    const { desired, capture } = await setup(rawApiList([liveShop, liveCart]));
    expect((await runCli(["report", "--desired", desired, "--live-file", capture])).code).toBe(0);
    const yaml =
      "apiVersion: v1\nkind: List\nitems:\n" + [liveShop, liveCart].map((o) => `- ${JSON.stringify(o)}\n`).join("");
    const r = await runCli(["report", "--desired", desired, "--live-file", "-"], { stdin: yaml });
    expect(r.code).toBe(0);
  });
});

describe("report: output", () => {
  it("writes the report to --out and nothing to stdout", async () => {
    const { root, desired, capture } = await setup(kubectlList([liveShop]));
    const out = path.join(root, "reports", "drift.md");
    const r = await runCli([
      "report",
      "--desired",
      desired,
      "--live-file",
      capture,
      "-A",
      "-o",
      "markdown",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const text = await readFile(out, "utf8");
    expect(text.split("\n")[0]).toBe(`## NetworkPolicy drift — \`${capture}\``);
    expect(text).toContain("| - | `cart` | `api` | missing | — |");
  });

  it("colours text only on a terminal, and --no-color wins", async () => {
    const { desired, capture } = await setup(kubectlList([liveShop]));
    const args = ["report", "--desired", desired, "--live-file", capture];
    expect((await runCli(args, { tty: false })).stdout).not.toContain("\x1b[");
    expect((await runCli(args, { tty: true })).stdout).toContain("\x1b[");
    expect((await runCli([...args, "--no-color"], { tty: true })).stdout).not.toContain("\x1b[");
    expect((await runCli([...args, "--color"], { tty: false })).stdout).toContain("\x1b[");
  });
});
