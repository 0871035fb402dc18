import { spawn } from "node:child_process";
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

  it("gets 410 after a compaction, lists again, and reports the whole list", async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, "bin/netpol-drift.js"),
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
      {
        env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "debug" },
      },
    );
    let stdout = "";
    let stderr = "";
    let compacted: Promise<void> | undefined;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!compacted && /"page":1\b/.test(stderr)) {
        // a write moves the revision on, then the compaction removes the token's snapshot
        compacted = k(["label", "namespace", "expire", `bump=${Date.now()}`, "--overwrite"]).then(() =>
          compactEtcd(env),
        );
      }
    });
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
    await compacted;

    const report = jsonReport({ code, stdout, stderr });
    expect(stderr).toMatch(/continue token expired \(410 Gone\)/);
    expect(report.problems).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.summary.live).toBe(COUNT);
    expect(report.summary.unmanaged).toBe(COUNT);
    expect(report.sources.requests).toBeGreaterThan(COUNT);
    expect(code).toBe(1);
  });
});
