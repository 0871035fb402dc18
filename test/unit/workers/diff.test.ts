import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESIRED_FIXTURE } from "../../helpers/policy-repo.js";
import { runCli } from "../../fixtures/cli-context.js";
import { tempTree } from "../../fixtures/temp-tree.js";

// `netpol-drift diff` on a real git repository: the bundled desired state as the base commit, then one commit
// per kind of change a policy PR makes. Each side is read with `git archive`, so the working tree must not move.

const NP = "ops/k8s/network-policies";
let repo = "";
const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();

async function edit(rel: string, f: (text: string) => string): Promise<void> {
  const file = path.join(repo, NP, rel);
  await writeFile(file, f(await readFile(file, "utf8")));
}

async function commit(tag: string, change: () => Promise<void>): Promise<void> {
  git("checkout", "-q", "base");
  await change();
  git("add", "-A");
  git("commit", "-q", "-m", tag);
  git("tag", tag);
}

const ALLOW_NGINX = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-ingress-nginx
spec:
  podSelector:
    matchLabels:
      app: stratmaster-api
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: 8080
`;

const FROM_GLOBEX = ALLOW_NGINX.replace("allow-ingress-nginx", "allow-globex").replace(
  "ingress-nginx",
  "tenant-globex",
);

// One repository for the file (tempTree's folders live for one test only).
afterAll(() => rm(repo, { recursive: true, force: true }));
beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), "netpol-drift-diff-"));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "ci@example.invalid");
  git("config", "user.name", "ci");
  await cp(DESIRED_FIXTURE, path.join(repo, NP), { recursive: true });
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("tag", "base");
  // Opens the stratmaster API to the ingress controller's namespace: widens one namespace, breaks nothing.
  await commit("widen", () => writeFile(path.join(repo, NP, "stratmaster/allow-ingress-nginx.yaml"), ALLOW_NGINX));
  // Takes port 5432 away from the API's egress to Postgres: narrows stratmaster.
  await commit("narrow", () =>
    edit("stratmaster/api-to-postgres.yaml", (t) => t.replace(/egress:[\s\S]*$/, "egress: []\n")),
  );
  // Renames a policy and reorders its rules and ports: the same traffic.
  await commit("rewrite", async () => {
    const from = path.join(repo, NP, "tenant-acme/default-deny.yaml");
    const text = (await readFile(from, "utf8"))
      .replace("name: default-deny", "name: baseline-deny")
      .replace(
        /- protocol: UDP\n(\s+)port: 53\n(\s+)- protocol: TCP\n\s+port: 53/,
        "- protocol: TCP\n$1port: 53\n$2- protocol: UDP\n$1port: 53",
      );
    await rm(from);
    await writeFile(path.join(repo, NP, "tenant-acme/baseline.yaml"), text);
  });
  // Lets tenant-globex into tenant-acme: a cross-tenant rule, the tenant-isolation invariant broken.
  await commit("cross-tenant", () => writeFile(path.join(repo, NP, "tenant-acme/allow-globex.yaml"), FROM_GLOBEX));
  git("checkout", "-q", "base");
});

const diff = (...args: string[]) => runCli(["diff", "--repo", repo, "--desired", NP, ...args]);
type Json = {
  complete: boolean;
  policies: { change: string; namespace: string; name: string; file?: string }[];
  effects: {
    namespace: string;
    effect: string;
    opened: { source: string; destination: string; ports: string; ingress: { rules: { policy: string }[] } }[];
    closed: unknown[];
  }[];
  violations: {
    introduced: { invariant: string; namespace: string; policy?: string; file?: string; line?: number }[];
    fixed: { invariant: string }[];
  };
};
const json = async (...args: string[]) => {
  const r = await diff(...args, "-o", "json");
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as Json };
};

describe("diff between two commits", () => {
  it("a change that opens traffic widens exactly that namespace, names the head rule, exits 1", async () => {
    const { code, report } = await json("--base", "base", "--head", "widen");
    expect(code).toBe(1);
    expect(report.policies).toEqual([
      {
        change: "added",
        namespace: "stratmaster",
        name: "allow-ingress-nginx",
        file: "stratmaster/allow-ingress-nginx.yaml",
        line: 1,
        changes: [],
        diff: expect.any(String),
      },
    ]);
    expect(report.effects.map((e) => [e.namespace, e.effect])).toEqual([["stratmaster", "widens"]]);
    const flow = report.effects[0]!.opened[0]!;
    expect(flow.source).toContain("ingress-nginx");
    expect(flow.destination).toContain("stratmaster");
    expect(flow.ports).toBe("8080");
    expect(flow.ingress.rules.map((r) => r.policy)).toEqual(["allow-ingress-nginx"]);
    expect(report.violations.introduced).toEqual([]);
    expect((await diff("--base", "base", "--head", "widen", "--fail-on", "widens")).code).toBe(1);
    expect((await diff("--base", "base", "--head", "widen", "--fail-on", "violation")).code).toBe(0);
  });

  it("a change that takes traffic away narrows, and --fail-on widens lets it pass", async () => {
    const { code, report } = await json("--base", "base", "--head", "narrow");
    expect(code).toBe(1);
    expect(report.effects.map((e) => [e.namespace, e.effect])).toEqual([["stratmaster", "narrows"]]);
    expect(report.effects[0]!.closed.length).toBeGreaterThan(0);
    expect(report.policies.map((p) => [p.change, p.name])).toEqual([["changed", "api-to-postgres"]]);
    expect((await diff("--base", "base", "--head", "narrow", "--fail-on", "widens")).code).toBe(0);
  });

  it("--max-flows caps the flows listed as report does, counts the rest, says so; NETPOL_DRIFT_MAX_FLOWS too", async () => {
    // From the narrowed commit to the widened one: the egress that comes back and the ingress that opens.
    const sides = ["--base", "narrow", "--head", "widen"];
    const full = (await json(...sides)).report;
    expect(full.effects.map((e) => e.namespace)).toEqual(["stratmaster"]);
    const counts = { opened: full.effects[0]!.opened.length, closed: full.effects[0]!.closed.length };
    expect(counts.opened + counts.closed).toBeGreaterThan(1);
    const capped = await json(...sides, "--max-flows", "1");
    expect(capped.code).toBe(1);
    const effect = capped.report.effects[0] as unknown as Record<string, unknown>;
    expect(effect).toMatchObject({ namespace: "stratmaster", effect: full.effects[0]!.effect, notListed: "cap" });
    expect(effect.counts).toEqual(counts);
    const info = (capped.report as unknown as { analysis: { flowCap?: unknown } }).analysis;
    expect(info.flowCap).toEqual({ limit: 1, namespaces: 1, flows: counts.opened + counts.closed });
    const text = await runCli(["diff", "--repo", repo, "--desired", NP, ...sides], {
      env: { NETPOL_DRIFT_MAX_FLOWS: "1" },
    });
    expect(text.stdout).toContain(
      `namespace stratmaster: WIDENS — ${counts.opened} flow${counts.opened === 1 ? "" : "s"} opened\n  (flows not listed: past the report's flow cap; --max-flows 0 lists every flow)`,
    );
    const md = await diff(...sides, "-o", "markdown", "--max-flows", "1");
    expect(md.stdout).toContain("_Flows not listed: past the report's flow cap (`--max-flows 0` lists every flow)._");
    expect((await json(...sides, "--max-flows", "0")).report).toEqual(full);
    const bad = await diff(...sides, "--max-flows", "some");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-flows must be a whole number of flows (0 = every flow), got "some"');
  });

  it("a rename with reordered ports has no effect on traffic: exit 0, the policies still listed", async () => {
    const { code, report } = await json("--base", "base", "--head", "rewrite");
    expect(code).toBe(0);
    expect(report.policies.map((p) => [p.change, p.namespace, p.name]).sort()).toEqual([
      ["added", "tenant-acme", "baseline-deny"],
      ["removed", "tenant-acme", "default-deny"],
    ]);
    expect(report.effects).toEqual([{ namespace: "tenant-acme", effect: "none", opened: [], closed: [] }]);
    const text = await diff("--base", "base", "--head", "rewrite");
    expect(text.stdout).toContain("no effect on traffic");
  });

  it("a cross-tenant rule is a new violation at the head's file and line; reverting it fixes it", async () => {
    const broke = await json("--base", "base", "--head", "cross-tenant", "--fail-on", "violation");
    expect(broke.code).toBe(1);
    expect(broke.report.violations.introduced.map((v) => [v.invariant, v.namespace, v.policy, v.file])).toEqual([
      ["tenant-isolation", "tenant-acme", "allow-globex", "tenant-acme/allow-globex.yaml"],
    ]);
    // tenant-globex's own default deny still blocks the egress, so no flow opens: the violation alone gates.
    expect(broke.report.effects.map((e) => [e.namespace, e.effect])).toEqual([["tenant-acme", "none"]]);
    expect((await diff("--base", "base", "--head", "cross-tenant")).code).toBe(1);
    expect((await diff("--base", "base", "--head", "cross-tenant", "--fail-on", "widens")).code).toBe(0);
    const sarif = JSON.parse((await diff("--base", "base", "--head", "cross-tenant", "-o", "sarif")).stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    const hit = sarif.runs[0]!.results[0]!;
    expect(hit.ruleId).toBe("tenant-isolation");
    expect(hit.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`${NP}/tenant-acme/allow-globex.yaml`);
    expect(hit.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);

    const fixed = await json("--base", "cross-tenant", "--head", "base", "--fail-on", "violation");
    expect(fixed.code).toBe(0);
    expect(fixed.report.violations.fixed.map((v) => v.invariant)).toEqual(["tenant-isolation"]);
    expect(fixed.report.effects.map((e) => [e.namespace, e.effect])).toEqual([["tenant-acme", "none"]]);
  });

  it("reads refs without a checkout: the working tree and HEAD stay where they were", async () => {
    const before = git("rev-parse", "HEAD");
    await writeFile(path.join(repo, "untracked.txt"), "x");
    await diff("--base", "base", "--head", "cross-tenant");
    expect(git("rev-parse", "HEAD")).toBe(before);
    expect(git("status", "--porcelain")).toBe("?? untracked.txt");
    await rm(path.join(repo, "untracked.txt"));
  });

  it("a folder as the head side: the working tree against a ref", async () => {
    git("checkout", "-q", "widen");
    const r = await runCli(["diff", "--repo", repo, "--desired", NP, "--base", "base", "--head", repo, "-o", "json"]);
    git("checkout", "-q", "base");
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Json).effects.map((e) => e.effect)).toEqual(["widens"]);
  });
});

describe("diff: incomplete and bad input", () => {
  it("a head file that does not parse gives no verdict: exit 2, the file and line named", async () => {
    await commit("broken", () =>
      writeFile(
        path.join(repo, NP, "stratmaster/broken.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\n\tspec: {}\n",
      ),
    );
    git("checkout", "-q", "base");
    const r = await diff("--base", "base", "--head", "broken");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("incomplete");
    expect(r.stdout).toMatch(new RegExp(`${NP}/stratmaster/broken.yaml:\\d+`));
  });

  it("a side that is neither a folder nor a commit is a usage error", async () => {
    const r = await diff("--base", "no-such-ref", "--head", "base");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"no-such-ref" is neither a folder nor a commit');
  });

  it("a base commit without the policy folder is an empty desired state (a PR that adds it)", async () => {
    const empty = await tempTree();
    execFileSync("git", ["-C", empty, "init", "-q", "-b", "main"]);
    execFileSync("git", [
      "-C",
      empty,
      "-c",
      "user.email=a@b.c",
      "-c",
      "user.name=a",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      "empty",
    ]);
    await cp(DESIRED_FIXTURE, path.join(empty, NP), { recursive: true });
    execFileSync("git", ["-C", empty, "add", "-A"]);
    execFileSync("git", ["-C", empty, "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-q", "-m", "policies"]);
    const r = await runCli([
      "diff",
      "--repo",
      empty,
      "--desired",
      NP,
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      "-o",
      "json",
    ]);
    const report = JSON.parse(r.stdout) as Json & { summary: { added: number } };
    expect(report.complete).toBe(true);
    expect(report.summary.added).toBeGreaterThan(10);
  });
});

describe("diff as a PR comment", () => {
  it("1,000 namespaces that widen: every one is named within GitHub's comment limit", async () => {
    const base = await tempTree();
    const head = await tempTree();
    const deny = (ns: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n`;
    const names = Array.from({ length: 1000 }, (_, i) => `team-${String(i).padStart(4, "0")}`);
    for (const ns of names) {
      await writeFile(path.join(base, `${ns}.yaml`), deny(ns));
      await writeFile(path.join(head, `${ns}.yaml`), deny(ns) + "  ingress:\n    - {}\n");
    }
    const r = await runCli(["diff", "--base", base, "--head", head, "-o", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThanOrEqual(65_536);
    for (const ns of names) expect(r.stdout).toContain(`\`${ns}\``);
    expect(r.stdout.indexOf("Opens traffic (1000 namespaces)")).toBeLessThan(r.stdout.indexOf("team-0000"));
  });

  it("an untrusted file name cannot inject links, images or HTML into the comment", async () => {
    const policy = (extra: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n${extra}`;
    // No "/" in it: a file name cannot hold one.
    const hostile = "x](https:evil.invalid) <!-- ![i](javascript:alert(1)) | `b` *c* <b>";
    const base = await tempTree({ "shop/a.yaml": policy("") });
    const head = await tempTree({ [`shop/${hostile}.yaml`]: policy("  ingress: [{}]\n") });
    const r = await runCli(["diff", "--base", base, "--head", head, "-o", "markdown"]);
    expect(r.code).toBe(1);
    const tokens = new MarkdownIt({ html: true, linkify: true }).parse(r.stdout, {});
    const all = tokens.flatMap((t) => [t, ...(t.children ?? [])]);
    expect(all.filter((t) => t.type === "link_open" || t.type === "image")).toEqual([]);
    // The only HTML is our own collapsing.
    for (const t of all.filter((x) => x.type.startsWith("html_")))
      expect(t.content.trim()).toMatch(/^(<details><summary>[^<>]*<\/summary>|<\/details>)$/);
    const shown = all.filter((t) => t.type === "code_inline").map((t) => t.content);
    expect(shown.some((c) => c.includes(hostile))).toBe(true);
  });
});
