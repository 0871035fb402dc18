import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift } from "./helpers/cli.js";
import { envtest } from "./helpers/setup.js";

const NAMESPACES = 60;
const PER_NAMESPACE = 20;

function policy(ns: string, i: number) {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `svc-${String(i).padStart(2, "0")}`, namespace: ns, labels: { app: `svc-${i}`, tenant: ns } },
    spec: {
      podSelector: { matchLabels: { app: `svc-${i}` } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: "client" } } }], ports: [{ port: 8000 + i }] }],
      ...(i % 2 === 0 ? { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }] }] } : {}),
    },
  };
}

// 1,200 policies over 60 namespaces, listed in pages of 100 across all namespaces.
describe("scale and pagination", () => {
  const { env, k } = envtest();
  const namespaces = Array.from({ length: NAMESPACES }, (_, n) => `scale-${String(n).padStart(2, "0")}`);
  let desiredRoot: string;

  beforeAll(async () => {
    await k(
      ["create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: namespaces.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })),
      }),
    );
    const all = namespaces.flatMap((ns) => Array.from({ length: PER_NAMESPACE }, (_, i) => policy(ns, i)));
    await k(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: all }));
    desiredRoot = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-scale-"));
    for (const ns of namespaces) {
      await mkdir(path.join(desiredRoot, ns));
      const docs = Array.from({ length: PER_NAMESPACE }, (_, i) => stringify(policy(ns, i)));
      await writeFile(path.join(desiredRoot, ns, "policies.yaml"), docs.join("---\n"));
    }
  });

  it("sees every policy, page by page, and finds them all in sync", { timeout: 600_000 }, async () => {
    const result = await netpolDrift([
      "report",
      "--desired",
      desiredRoot,
      "--kubeconfig",
      env.adminKubeconfig,
      "--page-size",
      "100",
      "-o",
      "json",
    ]);
    const report = jsonReport(result);
    const total = (await k(["get", "networkpolicies", "-A", "-o", "name"])).trim().split("\n").length;

    expect(report.complete).toBe(true);
    expect(report.summary.desired).toBe(NAMESPACES * PER_NAMESPACE);
    expect(report.summary.live).toBe(total);
    expect(total).toBeGreaterThanOrEqual(NAMESPACES * PER_NAMESPACE);
    expect(report.summary.inSync).toBe(NAMESPACES * PER_NAMESPACE);
    expect(report.drift.filter((d: any) => d.namespace.startsWith("scale-"))).toEqual([]);
    // every page but the last is full: ceil(total / 100) list requests prove paging happened
    expect(report.sources.requests).toBe(Math.ceil(total / 100));
  });
});
