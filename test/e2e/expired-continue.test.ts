import { spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactEtcd, startExtraApiserver, type ExtraApiserver } from "./helpers/extra-apiserver.js";
import { jsonReport, ROOT } from "./helpers/cli.js";
import { envtest } from "./helpers/setup.js";

// A continue token names a snapshot; once etcd compacts it away the API server answers 410 Gone. The list
// must then start over once — never stitch pages of two snapshots together, never give up on a partial list.
describe("an expired continue token restarts the list once", () => {
  const { env, k } = envtest();
  let server: ExtraApiserver;
  const COUNT = 200;

  beforeAll(async () => {
    await k(["create", "namespace", "expire"]);
    const items = Array.from({ length: COUNT }, (_, i) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `p-${i}`, namespace: "expire" },
      spec: { podSelector: {} },
    }));
    await k(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
    // Without the watch cache every page is read from etcd at the token's revision, as on a busy
    // production server whose cache has moved on.
    server = await startExtraApiserver(env, ["--watch-cache=false"]);
  });
  afterAll(() => server?.stop());

  /** The CLI against the extra server, compacting etcd once, right after the first page `trigger` matches. */
  async function runCompacting(args: string[], trigger: RegExp, bump: string[]) {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/netpol-drift.js"), ...args], {
      env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "debug" },
    });
    let stdout = "";
    let stderr = "";
    let compacted: Promise<void> | undefined;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!compacted && trigger.test(stderr)) {
        // a write moves the revision on, then the compaction removes the token's snapshot
        compacted = k(bump).then(() => compactEtcd(env));
      }
    });
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
    await compacted;
    return { code, stdout, stderr };
  }

  it("gets 410 after a compaction, lists again, and reports the whole list", async () => {
    const { code, stdout, stderr } = await runCompacting(
      [
        "report",
        "--desired",
        path.join(ROOT, "desired"),
        "--kubeconfig",
        server.kubeconfig,
        "-n",
        "expire",
        "--page-size",
        "1",
        "-o",
        "json",
      ],
      /"page":1\b/,
      ["label", "namespace", "expire", `bump=${Date.now()}`, "--overwrite"],
    );
    const report = jsonReport({ code, stdout, stderr });
    expect(stderr).toMatch(/continue token expired \(410 Gone\)/);
    expect(report.problems).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.summary.live).toBe(COUNT);
    expect(report.summary.unmanaged).toBe(COUNT);
    expect(report.sources.requests).toBeGreaterThan(COUNT);
    expect(code).toBe(1);
  });

  // --resolve-workloads lists namespaces and pods the same way (F-D3): a token expiring under it restarts that
  // list once too, and the pods it lists resolve a named port.
  it("the workloads lister restarts after a 410 as well, and its pods resolve the named port", async () => {
    const ns = "expire-pods";
    await k(["create", "namespace", ns]);
    const deny = { podSelector: {}, policyTypes: ["Ingress"] };
    const webHttp = {
      podSelector: { matchLabels: { app: "web" } },
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: "http" }] }],
      policyTypes: ["Ingress"],
    };
    const policy = (name: string, spec: object) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: ns },
      spec,
    });
    const pods = Array.from({ length: 150 }, (_, i) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `web-${i}`, namespace: ns, labels: { app: "web" } },
      spec: {
        containers: [
          { name: "web", image: "registry.example.com/web:1", ports: [{ name: "http", containerPort: 8080 }] },
        ],
      },
    }));
    // Live: the deny only. Desired: the deny and the rule that lets http in, so the missing rule closes port 8080.
    await k(
      ["create", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: [policy("deny", deny), ...pods] }),
    );
    const desired = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-expire-pods-"));
    await mkdir(path.join(desired, ns));
    await writeFile(path.join(desired, ns, "deny.yaml"), JSON.stringify(policy("deny", deny)));
    await writeFile(path.join(desired, ns, "web-http.yaml"), JSON.stringify(policy("web-http", webHttp)));

    const result = await runCompacting(
      [
        "report",
        "--desired",
        desired,
        "--kubeconfig",
        server.kubeconfig,
        "-n",
        ns,
        "--page-size",
        "1",
        "--resolve-workloads",
        "-o",
        "json",
      ],
      /"call":"list pods in all namespaces[^"]*","page":1,/,
      ["label", "namespace", ns, `bump=${Date.now()}`, "--overwrite"],
    );
    const report = jsonReport(result);
    expect(result.stderr).toMatch(/"call":"list pods in all namespaces[^\n]*continue token expired \(410 Gone\)/);
    expect(report.problems).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.analysis.workloads).toBe("capture");
    expect(report.sources.workloads).toMatch(/^cluster https:\/\/127\.0\.0\.1:/);
    const effect = report.effects.find((e: { namespace: string }) => e.namespace === ns);
    expect(effect.effect).toBe("narrows");
    expect(effect.closed.map((f: { ports: string }) => f.ports)).toEqual(["8080"]);
    expect(result.code).toBe(1);
  });
});
