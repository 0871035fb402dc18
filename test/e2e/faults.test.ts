import { execFile, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";
import { tokenKubeconfig, variantOfAdmin } from "./helpers/kubeconfig.js";
import { envtest } from "./helpers/setup.js";
import { resign } from "./helpers/tokens.js";

const exec = promisify(execFile);
const DESIRED = path.join(ROOT, "desired");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

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
    expectNoVerdict(await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]), /ECONNREFUSED/);
  });

  it("TLS: the server's certificate is not signed by the configured CA", async () => {
    const { stdout: otherCa } = await exec("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=not-the-cluster-ca", "-days", "1"]);
    const kc = await variantOfAdmin(env.adminKubeconfig, { caPem: otherCa });
    expectNoVerdict(await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]), /certificate/i);
  });

  describe("tokens", () => {
    let token: string;
    beforeAll(async () => {
      await k(["create", "namespace", "fault-tokens"]);
      await k(["-n", "fault-tokens", "create", "serviceaccount", "reader"]);
      await k(["create", "clusterrole", "fault-np-list", "--verb=list", "--resource=networkpolicies.networking.k8s.io"]);
      await k(["create", "clusterrolebinding", "fault-np-list", "--clusterrole=fault-np-list", "--serviceaccount=fault-tokens:reader"]);
      token = (await k(["-n", "fault-tokens", "create", "token", "reader", "--duration=1h"])).trim();
    });

    it("a re-signed token with a valid lifetime works (so the expired case below tests expiry only)", async () => {
      const now = Math.floor(Date.now() / 1000);
      const fresh = await resign(token, path.join(env.dir, "pki/sa.key"), { iat: now - 60, exp: now + 3600 });
      const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token: fresh });
      const result = await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-n", "fault-tokens", "-o", "json"]);
      const report = jsonReport(result);
      expect(report.problems).toEqual([]);
      expect(report.complete).toBe(true);
    });

    it("an expired token", async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await resign(token, path.join(env.dir, "pki/sa.key"), { iat: now - 7200, exp: now - 3600 });
      const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token: expired });
      expectNoVerdict(await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]), /HTTP 401/);
    });

    it("an invalid token", async () => {
      const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token: "not-a-token" });
      expectNoVerdict(await netpolDrift(["report", "--desired", DESIRED, "--kubeconfig", kc, "-o", "json"]), /HTTP 401/);
    });
  });

  describe("the API server is killed in the middle of a paged list", () => {
    let second: ChildProcess | undefined;
    let secondPort: number;
    beforeAll(async () => {
      await k(["create", "namespace", "fault-kill"]);
      const items = Array.from({ length: 300 }, (_, i) => ({
        apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
        metadata: { name: `p-${i}`, namespace: "fault-kill" }, spec: { podSelector: {} },
      }));
      await k(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
      // A second, expendable kube-apiserver on the same etcd: killing it leaves the shared one alone.
      secondPort = await freePort();
      second = spawn(path.join(env.bin, "kube-apiserver"), [
        `--etcd-servers=http://127.0.0.1:${env.etcdPort}`, "--bind-address=127.0.0.1", `--secure-port=${secondPort}`,
        "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none",
        `--tls-cert-file=${env.dir}/pki/apiserver.crt`, `--tls-private-key-file=${env.dir}/pki/apiserver.key`,
        `--cert-dir=${env.dir}/pki`, `--client-ca-file=${env.dir}/pki/ca.crt`, "--authorization-mode=RBAC",
        `--service-account-issuer=${env.apiUrl}`, `--service-account-key-file=${env.dir}/pki/sa.pub`,
        `--service-account-signing-key-file=${env.dir}/pki/sa.key`, "--service-cluster-ip-range=10.0.0.0/24",
        "--disable-admission-plugins=ServiceAccount", "--profiling=false",
      ], { stdio: "ignore" });
      const kc = await variantOfAdmin(env.adminKubeconfig, { server: `https://127.0.0.1:${secondPort}` });
      for (let i = 0; i < 480; i++) {
        const ok = await kubectlOk(env.bin, kc, ["get", "--raw", "/readyz"]);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error("the second kube-apiserver did not become ready");
    });
    afterAll(() => {
      second?.kill("SIGKILL");
    });

    it("exits 2 with the failed call named, and reports nothing as drift", async () => {
      const kc = await variantOfAdmin(env.adminKubeconfig, { server: `https://127.0.0.1:${secondPort}` });
      const child = spawn(process.execPath, [path.join(ROOT, "bin/netpol-drift.js"), "report", "--desired", DESIRED, "--kubeconfig", kc, "--page-size", "1", "-o", "json"], {
        env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "debug" },
      });
      let stdout = "";
      let stderr = "";
      let killedAfterPage = 0;
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const page = /"page":(\d+)/.exec(stderr);
        if (page && !killedAfterPage) {
          killedAfterPage = Number(page[1]);
          second?.kill("SIGKILL");
        }
      });
      const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
      expect(killedAfterPage).toBeGreaterThan(0);
      expectNoVerdict({ code, stdout }, /cannot reach the API server/);
      expect(jsonReport({ code, stdout }).problems[0].call).toMatch(/^list networkpolicies\.networking\.k8s\.io in all namespaces/);
    });
  });
});

async function kubectlOk(bin: string, kubeconfig: string, args: string[]): Promise<boolean> {
  try {
    await exec(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
