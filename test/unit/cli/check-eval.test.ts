// `check` and `eval` through main(), on the example desired state and live capture, with real files.
import { mkdtemp, readFile, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../fixtures/cli-context.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const DESIRED = path.join(REPO, "desired");
const VALUES = path.join(DESIRED, "values.yaml");
const LIVE = path.join(REPO, "examples/live-snapshot.json");

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "netpol-drift-analyse-"));
}

const WORKLOADS = {
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "stratmaster", labels: { "kubernetes.io/metadata.name": "stratmaster" } },
    },
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "database", labels: { "kubernetes.io/metadata.name": "database" } },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "api-7f9", namespace: "stratmaster", labels: { app: "stratmaster-api", component: "api" } },
      spec: { containers: [{ name: "api", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
      status: { phase: "Running", podIP: "10.1.0.5", podIPs: [{ ip: "10.1.0.5" }] },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "research-mcp-1", namespace: "stratmaster", labels: { app: "research-mcp", component: "mcp" } },
      spec: { containers: [{ name: "mcp" }] },
      status: { phase: "Running", podIP: "10.1.0.6" },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "postgres-0", namespace: "database", labels: { app: "postgres" } },
      spec: { containers: [{ name: "pg", ports: [{ containerPort: 5432 }] }] },
      status: { phase: "Running", podIP: "10.2.0.7" },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "migrate-1", namespace: "database", labels: { app: "migrate" } },
      spec: { containers: [{ name: "m" }] },
      status: { phase: "Succeeded" },
    },
  ],
};

describe("netpol-drift check", () => {
  it("the example desired state is clean with its values: exit 0", async () => {
    const r = await runCli(["check", "--desired", DESIRED, "--values", VALUES]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("clean: every baseline invariant holds");
    expect(r.code).toBe(0);
  });

  it("without the allow-list from values, egress is not judged; an empty --egress-allow judges all of it", async () => {
    expect((await runCli(["check", "--desired", DESIRED])).code).toBe(0);
    const r = await runCli(["check", "--desired", DESIRED, "--egress-allow", "10.40.12.0/24", "-o", "json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      violations: { invariant: string; policy: string; file: string; line: number }[];
    };
    expect(out.violations.every((v) => v.invariant === "egress-allow-list")).toBe(true);
    expect(out.violations.map((v) => `${v.policy} ${v.file}:${v.line}`)).toContain(
      "mcp-research-egress stratmaster/mcp-egress.yaml:52",
    );
  });

  async function brokenRepo(): Promise<string> {
    const dir = await tempDir();
    await mkdir(path.join(dir, "tenant-a"));
    await writeFile(
      path.join(dir, "tenant-a", "policies.yaml"),
      [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: default-deny}",
        "spec:",
        "  podSelector: {}",
        "  policyTypes: [Ingress]",
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: from-b}",
        "spec:",
        "  podSelector: {}",
        "  ingress:",
        "    - from:",
        "        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: tenant-b}}",
        "",
      ].join("\n"),
    );
    return dir;
  }

  it("violations: exit 1; JUnit keeps testcase names stable and gives file:line in the failure, not in attributes", async () => {
    const dir = await brokenRepo();
    const r = await runCli(["check", "--desired", dir, "-o", "junit"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="netpol-drift check" tests="\d+" failures="2" errors="0">/,
    );
    // The same name as when it passes, so a CI tracks it as one test.
    expect(r.stdout).toContain(
      '<testcase classname="netpol-drift.tenant-isolation" name="tenant-a: no traffic from or to another tenant">',
    );
    expect(r.stdout).not.toMatch(/<testcase [^>]*\b(file|line)=/);
    // The rule's own line (14, where `- from:` starts), not the line its document starts on (8).
    expect(r.stdout).toMatch(
      new RegExp(`<failure type="tenant-isolation" message="${dir}/tenant-a/policies.yaml:14: `),
    );
    expect(r.stdout).toContain(`<system-out>${dir}/tenant-a/policies.yaml:14</system-out>`);
    expect(r.stdout).toContain('<failure type="default-deny"');
  });

  it("a namespace with a broken file gets skipped testcases, never passed ones", async () => {
    const dir = await brokenRepo();
    await writeFile(
      path.join(dir, "tenant-a", "broken.yaml"),
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x\n",
    );
    await mkdir(path.join(dir, "tenant-c"));
    await writeFile(path.join(dir, "tenant-c", "only.yaml"), "kind: [\n");
    const r = await runCli(["check", "--desired", dir, "-o", "junit"]);
    expect(r.code).toBe(2);
    const suite = (ns: string) =>
      r.stdout.slice(
        r.stdout.indexOf(`<testsuite name="${ns}"`),
        r.stdout.indexOf("</testsuite>", r.stdout.indexOf(`<testsuite name="${ns}"`)),
      );
    for (const ns of ["tenant-a", "tenant-c"]) {
      const cases = suite(ns).match(/<testcase [^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
      expect(cases.length, ns).toBe(5);
      for (const c of cases) expect(c, `${ns}: no passing testcase`).toMatch(/<(failure|skipped|error) /);
    }
    expect(suite("tenant-c")).toContain('skipped="5"');
    expect(r.stdout).toContain('<error type="load"');
  });

  it("violations as SARIF 2.1.0 with rule ids, file and line", async () => {
    const dir = await brokenRepo();
    const out = path.join(dir, "out", "check.sarif");
    const r = await runCli(["check", "--desired", dir, "-o", "sarif", "--out", out]);
    expect(r.code).toBe(1);
    const log = JSON.parse(await readFile(out, "utf8")) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("netpol-drift");
    const iso = run.results.find((x) => x.ruleId === "tenant-isolation")!;
    expect(run.tool.driver.rules[iso.ruleIndex]!.id).toBe("tenant-isolation");
    expect(iso.level).toBe("error");
    // The rule's own line, not the line its document starts on (8).
    expect(iso.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: `${dir}/tenant-a/policies.yaml` },
      region: { startLine: 14 },
    });
  });

  it("a file that does not parse: exit 2, reported as an error", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "shop"));
    await writeFile(
      path.join(dir, "shop", "bad.yaml"),
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x\n",
    );
    const r = await runCli(["check", "--desired", dir, "-o", "junit"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('<error type="load"');
  });

  it("bad flags: exit 2", async () => {
    expect((await runCli(["check", "--desired", DESIRED, "-o", "xml"])).code).toBe(2);
    expect((await runCli(["check", "--desired", DESIRED, "--egress-allow", "nope"])).stderr).toContain(
      '"nope" is not a CIDR',
    );
  });
});

describe("netpol-drift eval", () => {
  async function workloadsFile(): Promise<string> {
    const file = path.join(await tempDir(), "workloads.json");
    await writeFile(file, JSON.stringify(WORKLOADS));
    return file;
  }

  it("allowed on the desired state: both sides and the rules that decide", async () => {
    const w = await workloadsFile();
    const r = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--workloads",
      w,
      "--from",
      "stratmaster/api-7f9",
      "--to",
      "database/postgres-0",
      "--port",
      "5432",
      "-o",
      "json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      allowed: boolean;
      egress: { allowed: boolean; rules: { policy: string }[] };
      ingress: { allowed: boolean; rules: { namespace: string; policy: string }[] };
    };
    expect(out.allowed).toBe(true);
    expect(out.egress.rules.map((x) => x.policy)).toEqual(["api-to-postgres"]);
    expect(out.ingress.rules).toEqual([
      { namespace: "database", policy: "api-to-postgres", direction: "ingress", index: 0 },
    ]);
  });

  it("the same connection on the live capture: api-to-postgres drifted to 5433, but the hand-made debug-allow-all lets it out", async () => {
    const w = await workloadsFile();
    const r = await runCli([
      "eval",
      "--live-file",
      LIVE,
      "--workloads",
      w,
      "--from",
      "stratmaster/api-7f9",
      "--to",
      "database/postgres-0",
      "--port",
      "5432",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: stratmaster\/api-7f9/);
    expect(r.stdout).toContain("egress  (sender):   allows — allowed by stratmaster/debug-allow-all egress[0]\n");
    const to = await runCli([
      "eval",
      "--live-file",
      LIVE,
      "--workloads",
      w,
      "--from",
      "stratmaster/research-mcp-1",
      "--to",
      "database/postgres-0",
      "--port",
      "5432",
    ]);
    expect(to.stdout).toMatch(/^DENIED/);
    expect(to.stdout).toContain(
      "egress  (sender):   denies — selected by stratmaster/default-deny, stratmaster/mcp-egress, stratmaster/mcp-research-egress; no rule allows TCP 5432 to the destination",
    );
  });

  it("a named port resolves on the destination pod; an IP is an external end", async () => {
    const w = await workloadsFile();
    const named = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--workloads",
      w,
      "--from",
      "stratmaster/research-mcp-1",
      "--to",
      "stratmaster/api-7f9",
      "--port",
      "8080",
    ]);
    expect(named.stdout).toMatch(/^ALLOWED/);
    const ip = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--workloads",
      w,
      "--from",
      "stratmaster/research-mcp-1",
      "--to",
      "198.51.100.20",
      "--port",
      "443",
      "-o",
      "json",
    ]);
    const out = JSON.parse(ip.stdout) as { allowed: boolean; ingress: { reason: string } };
    expect(out.allowed).toBe(true);
    expect(out.ingress.reason).toContain("outside the cluster");
  });

  it("without workloads: a pod by its labels", async () => {
    const r = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--from",
      "tenant-globex/component=mcp,tenant=globex",
      "--to",
      "203.0.113.9",
      "--port",
      "443",
      "-o",
      "json",
    ]);
    expect(r.code).toBe(1); // denied, as kubectl auth can-i
    expect((JSON.parse(r.stdout) as { allowed: boolean }).allowed).toBe(false);
    const bad = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--from",
      "tenant-globex/some-pod",
      "--to",
      "203.0.113.9",
      "--port",
      "443",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("without --workloads");
  });

  it("usage errors: exit 2", async () => {
    expect((await runCli(["eval", "--desired", DESIRED, "--from", "a/b", "--to", "c/d"])).code).toBe(2);
    expect(
      (
        await runCli([
          "eval",
          "--desired",
          DESIRED,
          "--live-file",
          LIVE,
          "--from",
          "a/x=y",
          "--to",
          "c/x=y",
          "--port",
          "1",
        ])
      ).code,
    ).toBe(2);
    expect(
      (await runCli(["eval", "--desired", DESIRED, "--from", "a/x=y", "--to", "c/x=y", "--port", "70000"])).code,
    ).toBe(2);
  });
});
