// What the commands say must be what happened: the last log line, a failed list, the folder compared, eval's
// exit code; and `report`/`check` read the nightly run's NETPOL_DRIFT_* analysis settings (flags win).
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHttpServer } from "../../helpers/fake-http.js";
import { runCli } from "../../fixtures/cli-context.js";
import { kubectlList, serverPolicy } from "../../fixtures/server-shaped.js";
import { put, tempTree } from "../../fixtures/temp-tree.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const DESIRED = path.join(REPO, "desired");
const VALUES = path.join(DESIRED, "values.yaml");
const LIVE = path.join(REPO, "examples/live-snapshot.json");
const denyYaml =
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n";
const DENY = { podSelector: {}, policyTypes: ["Ingress"] };

async function capture(objects: Record<string, unknown>[]): Promise<{ desired: string; live: string }> {
  const root = await tempTree({
    "desired/shop/default-deny.yaml": denyYaml,
    "live.json": JSON.stringify(kubectlList(objects)),
  });
  return { desired: path.join(root, "desired"), live: path.join(root, "live.json") };
}

describe("the last log line says what happened", () => {
  it("in sync, drift, incomplete", async () => {
    const same = await capture([serverPolicy("shop", "default-deny", DENY)]);
    const inSync = await runCli(["report", "--desired", same.desired, "--live-file", same.live]);
    expect(inSync.code).toBe(0);
    expect(inSync.logs.at(-1)!.msg).toBe("in sync: no drift");

    const drifted = await capture([
      serverPolicy("shop", "default-deny", { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] }),
    ]);
    const drift = await runCli(["report", "--desired", drifted.desired, "--live-file", drifted.live]);
    expect(drift.code).toBe(1);
    expect(drift.logs.at(-1)!.msg).toBe("drift detected: 1 policy");

    const failed = await runCli([
      "report",
      "--desired",
      same.desired,
      "--live-file",
      path.join(path.dirname(same.live), "missing.json"),
    ]);
    expect(failed.code).toBe(2);
    expect(failed.logs.at(-1)!.msg).not.toMatch(/drift detected|in sync/);
    expect(failed.logs.at(-1)!.msg).toMatch(/^report incomplete/);
  });
});

describe("a failed list", () => {
  let api: FakeHttpServer;
  beforeEach(async () => {
    api = await new FakeHttpServer(() => ({
      status: 403,
      body: {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        message: "forbidden",
      },
    })).start();
  });
  afterEach(async () => {
    await api.close();
  });

  it("names the cluster its context points at and says nothing was compared, not that the desired state is uncertain", async () => {
    const root = await tempTree({ "desired/shop/default-deny.yaml": denyYaml });
    await put(
      root,
      "kubeconfig",
      [
        "apiVersion: v1",
        "kind: Config",
        "current-context: prod",
        `clusters: [{name: prod-eu, cluster: {server: ${JSON.stringify(api.url)}, insecure-skip-tls-verify: true}}]`,
        "users: [{name: u, user: {token: t0k3n}}]",
        "contexts: [{name: prod, context: {cluster: prod-eu, user: u}}]",
        "",
      ].join("\n"),
    );
    const r = await runCli([
      "report",
      "--desired",
      path.join(root, "desired"),
      "--kubeconfig",
      path.join(root, "kubeconfig"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("netpol-drift report — cluster prod-eu\n");
    expect(r.stdout).not.toContain("(unknown)");
    expect(r.stdout).not.toContain("desired state uncertain");
    expect(r.stdout).toContain("no verdicts: the live NetworkPolicies could not be listed");
  });
});

describe("no desired folder the user did not choose", () => {
  it.each([["report", "--live-file", LIVE], ["check"]])(
    "%s without --desired is a usage error (exit 2)",
    async (...args) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--desired DIR is required");
      expect(r.stdout).toBe("");
    },
  );
});

describe("eval exits like kubectl auth can-i", () => {
  it("0 allowed, 1 denied, 2 error; the help says so", async () => {
    const allowed = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--from",
      "stratmaster/app=stratmaster-api,component=api",
      "--to",
      "database/app=postgres",
      "--port",
      "5432",
    ]);
    expect(allowed.stdout).toMatch(/^ALLOWED/);
    expect(allowed.code).toBe(0);
    const denied = await runCli([
      "eval",
      "--desired",
      DESIRED,
      "--from",
      "tenant-globex/component=mcp,tenant=globex",
      "--to",
      "203.0.113.9",
      "--port",
      "443",
    ]);
    expect(denied.stdout).toMatch(/^DENIED/);
    expect(denied.code).toBe(1);
    expect((await runCli(["eval", "--desired", DESIRED, "--from", "a/b", "--to", "c/d"])).code).toBe(2);
    expect((await runCli(["eval", "--help"])).stdout).toContain(
      "Exit codes (as `kubectl auth can-i`): 0 allowed, 1 denied, 2 error.",
    );
  });
});

describe("report and check read the nightly run's analysis settings", () => {
  type Out = { violations: { invariant: string; namespace: string }[] };
  const invariants = (stdout: string) =>
    [...new Set((JSON.parse(stdout) as Out).violations.map((v) => `${v.invariant} ${v.namespace}`))].sort();

  it("NETPOL_DRIFT_VALUES (relative to the working directory), NETPOL_DRIFT_EGRESS_ALLOW and NETPOL_DRIFT_AIR_GAPPED", async () => {
    const bare = await runCli(["report", "--desired", DESIRED, "--live-file", LIVE, "-o", "json"]);
    const withValues = await runCli([
      "report",
      "--desired",
      DESIRED,
      "--live-file",
      LIVE,
      "--values",
      VALUES,
      "-o",
      "json",
    ]);
    const fromEnv = await runCli(["report", "--desired", DESIRED, "--live-file", LIVE, "-o", "json"], {
      env: { NETPOL_DRIFT_VALUES: path.relative(process.cwd(), VALUES) },
    });
    expect(invariants(fromEnv.stdout)).toEqual(invariants(withValues.stdout));
    expect(invariants(fromEnv.stdout)).not.toEqual(invariants(bare.stdout));

    const env = { NETPOL_DRIFT_EGRESS_ALLOW: "10.40.12.0/24", NETPOL_DRIFT_AIR_GAPPED: "acme" };
    const checked = await runCli(["check", "--desired", DESIRED, "-o", "json"], { env });
    expect(checked.code).toBe(1);
    expect(invariants(checked.stdout)).toEqual(
      expect.arrayContaining(["air-gapped tenant-acme", "egress-allow-list stratmaster"]),
    );
    // A flag wins over its variable.
    const flagged = await runCli(
      ["check", "--desired", DESIRED, "-o", "json", "--egress-allow", "0.0.0.0/0", "--air-gapped", "globex"],
      { env },
    );
    expect(invariants(flagged.stdout)).not.toContain("egress-allow-list stratmaster");
    expect(invariants(flagged.stdout)).not.toContain("air-gapped tenant-acme");
  });

  it("a bad variable is a usage error naming it", async () => {
    const r = await runCli(["check", "--desired", DESIRED], { env: { NETPOL_DRIFT_EGRESS_ALLOW: "nope" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("NETPOL_DRIFT_EGRESS_ALLOW");
  });
});
