import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";
import { applyFolders, prefixedCopy } from "./helpers/namespaces.js";
import { envtest, nsFlags } from "./helpers/setup.js";

// Every kind of real change, made through real API calls with a named field manager, must come back as
// exactly that drift — and `changedBy.manager` must name who made it.
describe("every real change is caught", () => {
  const { env, k } = envtest();
  let copy: { root: string; namespaces: string[] };
  let report: Record<string, any>;
  let code: number;

  beforeAll(async () => {
    copy = await prefixedCopy(path.join(ROOT, "desired"), "chg");
    await applyFolders(k, copy.root, copy.namespaces);

    // a port patched
    await k([
      "patch",
      "networkpolicy",
      "api-to-postgres",
      "-n",
      "chg-stratmaster",
      "--type=json",
      "--field-manager",
      "e2e-port-patcher",
      "-p",
      JSON.stringify([{ op: "replace", path: "/spec/egress/0/ports/0/port", value: 5433 }]),
    ]);
    // allow-all added to a default deny
    await k([
      "patch",
      "networkpolicy",
      "default-deny",
      "-n",
      "chg-tenant-globex",
      "--type=merge",
      "--field-manager",
      "e2e-allow-all",
      "-p",
      JSON.stringify({ spec: { ingress: [{}] } }),
    ]);
    // an AND peer split into two OR peers
    const pg = JSON.parse(await k(["get", "networkpolicy", "api-to-postgres", "-n", "chg-database", "-o", "json"]));
    const peer = pg.spec.ingress[0].from[0];
    pg.spec.ingress[0].from = [{ namespaceSelector: peer.namespaceSelector }, { podSelector: peer.podSelector }];
    await k(["replace", "--field-manager", "e2e-splitter", "-f", "-"], JSON.stringify(pg));
    // a label changed
    await k([
      "label",
      "networkpolicy",
      "default-deny",
      "-n",
      "chg-retrieval",
      "component=hand-edited",
      "--overwrite",
      "--field-manager",
      "e2e-labeler",
    ]);
    // a policy deleted
    await k(["delete", "networkpolicy", "api-to-temporal", "-n", "chg-temporal"]);
    // unmanaged policies, in a managed and in an unmanaged namespace
    await k(["create", "namespace", "chg-scratch"]);
    for (const ns of ["chg-stratmaster", "chg-scratch"]) {
      await k(
        ["create", "--field-manager", "e2e-creator", "-f", "-"],
        JSON.stringify({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "debug-allow-all", namespace: ns },
          spec: { podSelector: {}, ingress: [{}] },
        }),
      );
    }
    const result = await netpolDrift([
      "report",
      "--desired",
      copy.root,
      "--kubeconfig",
      env.adminKubeconfig,
      ...nsFlags([...copy.namespaces, "chg-scratch"]),
      "-o",
      "json",
    ]);
    report = jsonReport(result);
    code = result.code;
  });

  it("reports exactly the changes that were made, with exit 1", () => {
    const seen = report.drift.map((d: any) => `${d.state} ${d.namespace}/${d.name} ${d.changedBy?.manager ?? "-"}`);
    expect(seen).toEqual([
      "modified chg-database/api-to-postgres e2e-splitter",
      "modified chg-retrieval/default-deny e2e-labeler",
      "unmanaged chg-scratch/debug-allow-all e2e-creator",
      "modified chg-stratmaster/api-to-postgres e2e-port-patcher",
      "unmanaged chg-stratmaster/debug-allow-all e2e-creator",
      "missing chg-temporal/api-to-temporal -",
      "modified chg-tenant-globex/default-deny e2e-allow-all",
    ]);
    expect(report.complete).toBe(true);
    expect(code).toBe(1);
  });

  it("names the changed fields with desired and live values", () => {
    const changes = (ns: string, name: string) =>
      report.drift.find((d: any) => d.namespace === ns && d.name === name).changes;
    expect(changes("chg-stratmaster", "api-to-postgres")).toEqual([
      { path: "spec.egress[0].ports[0].port", desired: 5432, live: 5433 },
    ]);
    expect(changes("chg-tenant-globex", "default-deny")).toEqual([{ path: "spec.ingress", live: [{}] }]);
    expect(changes("chg-retrieval", "default-deny")).toEqual([
      { path: "metadata.labels.component", desired: "baseline", live: "hand-edited" },
    ]);
    const split = changes("chg-database", "api-to-postgres").map((c: any) => c.path);
    expect([...split].sort()).toEqual(["spec.ingress[0].from[0].podSelector", "spec.ingress[0].from[1]"]);
  });

  it("attaches a unified diff and the desired source file", () => {
    const item = report.drift.find((d: any) => d.namespace === "chg-stratmaster" && d.name === "api-to-postgres");
    expect(item.source).toBe("chg-stratmaster/api-to-postgres.yaml");
    expect(item.diff).toMatch(/^-\s+port: 5432$/m);
    expect(item.diff).toMatch(/^\+\s+port: 5433$/m);
    expect(item.changedBy.operation).toBe("Update");
  });
});
