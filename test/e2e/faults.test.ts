import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";
import { tokenKubeconfig, variantOfAdmin } from "./helpers/kubeconfig.js";
import { envtest } from "./helpers/setup.js";
import { freePort, startExtraApiserver, type ExtraApiserver } from "./helpers/extra-apiserver.js";
import { resign } from "./helpers/tokens.js";

const exec = promisify(execFile);
const DESIRED = path.join(ROOT, "desired");

/** A failed live side is exit 2 with no verdict at all: no drift, no "all clear". */
function expectNoVerdict(result: { code: number; stdout: string }, message: RegExp) {
  const report = jsonReport(result);
  expect(result.code).toBe(2);
  expect(report.complete).toBe(false);
  expect(report.drift).toEqual([]);
  expect(report.summary.inSync).toBe(0);
  expect(report.problems.map((p: { message: string }) => p.message).join("\n")).toMatch(message);
}

describe("faults end in exit 2, never in a verdict", () => {
  const { env, k } = envtest();

  it("API server unreachable", async () => {
    const kc = await variantOfAdmin(env.adminKubeconfig, { server: `https://127.0.0.1:${await freePort()}` });
    expectNoVerdict(
      await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]),
      /ECONNREFUSED/,
    );
  });

  it("TLS: the server's certificate is not signed by the configured CA", async () => {
    const { stdout: otherCa } = await exec("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "/dev/null",
      "-subj",
      "/CN=not-the-cluster-ca",
      "-days",
      "1",
    ]);
    const kc = await variantOfAdmin(env.adminKubeconfig, { caPem: otherCa });
    expectNoVerdict(
      await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]),
      /certificate/i,
    );
  });

  describe("tokens", () => {
    let token: string;
    beforeAll(async () => {
      await k(["create", "namespace", "fault-tokens"]);
      await k(["-n", "fault-tokens", "create", "serviceaccount", "reader"]);
      await k([
        "create",
        "clusterrole",
        "fault-np-list",
        "--verb=list",
        "--resource=networkpolicies.networking.k8s.io",
      ]);
      await k([
        "create",
        "clusterrolebinding",
        "fault-np-list",
        "--clusterrole=fault-np-list",
        "--serviceaccount=fault-tokens:reader",
      ]);
      token = (await k(["-n", "fault-tokens", "create", "token", "reader", "--duration=1h"])).trim();
    });

    it("a re-signed token with a valid lifetime works (so the expired case below tests expiry only)", async () => {
      const now = Math.floor(Date.now() / 1000);
      const fresh = await resign(token, path.join(env.dir, "pki/sa.key"), { iat: now - 60, exp: now + 3600 });
      const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token: fresh });
      const result = await netpolDrift([
        "report",
        "--desired",
        DESIRED,
        "--kubeconfig",
        kc,
        "-n",
        "fault-tokens",
        "-o",
        "json",
      ]);
      const report = jsonReport(result);
      expect(report.problems).toEqual([]);
      expect(report.complete).toBe(true);
    });

    it("an expired token", async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await resign(token, path.join(env.dir, "pki/sa.key"), { iat: now - 7200, exp: now - 3600 });
      const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token: expired });
      expectNoVerdict(
        await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]),
        /HTTP 401/,
      );
    });

    it("an invalid token", async () => {
      const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token: "not-a-token" });
      expectNoVerdict(
        await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]),
        /HTTP 401/,
      );
    });
  });

  describe("the API server is killed in the middle of a paged list", () => {
    let second: ExtraApiserver | undefined;
    beforeAll(async () => {
      await k(["create", "namespace", "fault-kill"]);
      const items = Array.from({ length: 300 }, (_, i) => ({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `p-${i}`, namespace: "fault-kill" },
        spec: { podSelector: {} },
      }));
      await k(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
      // A second, expendable kube-apiserver on the same etcd: killing it leaves the shared one alone.
      second = await startExtraApiserver(env);
    });
    afterAll(() => second?.stop());

    it("exits 2 with the failed call named, and reports nothing as drift", async () => {
      const kc = (second as ExtraApiserver).kubeconfig;
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, "bin/netpol-drift.js"),
          "report",
          "--desired",
          DESIRED,
          "--kubeconfig",
          kc,
          "--page-size",
          "1",
          "-o",
          "json",
        ],
        {
          env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "debug" },
        },
      );
      let stdout = "";
      let stderr = "";
      let killedAfterPage = 0;
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const page = /"page":(\d+)/.exec(stderr);
        if (page && !killedAfterPage) {
          killedAfterPage = Number(page[1]);
          second?.stop();
        }
      });
      const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
      expect(killedAfterPage).toBeGreaterThan(0);
      expectNoVerdict({ code, stdout }, /cannot reach the API server/);
      expect(jsonReport({ code, stdout }).problems[0].call).toMatch(
        /^list networkpolicies\.networking\.k8s\.io in all namespaces/,
      );
    });
  });
});
