import path from "node:path";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";
import { tokenKubeconfig } from "./helpers/kubeconfig.js";
import { kubectl } from "./helpers/kubectl.js";
import { envtest } from "./helpers/setup.js";
import { createBareRepo, tempDir } from "../helpers/git-server.js";

// The deploy/ base, applied for real, gives its ServiceAccount exactly what `report` needs and nothing more.
describe("least privilege, proven on a real API server", () => {
  const { env, k } = envtest();
  let sa: { name: string; namespace: string };
  // The list is cluster-wide (what the ClusterRole grants); the bulk namespaces other files made (1,200+
  // unmanaged policies) are left out of the comparison, which is not what this file is about.
  const notOurs = ["scale-*", "fault-*", "expire", "eq-*", "nfp-*", "chg-*"].flatMap((g) => ["--exclude-namespace", g]);
  let readerKubeconfig: string;

  beforeAll(async () => {
    const rendered = await k(["kustomize", path.join(ROOT, "deploy")]);
    const objects = parseAllDocuments(rendered).map((d: any) => d.toJS());
    const account = objects.find((o: any) => o.kind === "ServiceAccount");
    sa = { name: account.metadata.name, namespace: account.metadata.namespace };
    await k(["apply", "-k", path.join(ROOT, "deploy")]);
    const token = (await k(["-n", sa.namespace, "create", "token", sa.name, "--duration=1h"])).trim();
    readerKubeconfig = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token, name: "deploy-sa" });
    await k(["create", "namespace", "lp-data"]);
    await k(["-n", "lp-data", "create", "secret", "generic", "db", "--from-literal=password=hunter2"]);
  });

  it("the ClusterRole grants list on networkpolicies and nothing else", async () => {
    const role = JSON.parse(await k(["get", "clusterrole", "netpol-drift-reader", "-o", "json"]));
    expect(role.rules).toEqual([{ apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["list"] }]);
  });

  it("report works as the deploy/ ServiceAccount", async () => {
    const result = await netpolDrift([
      "report",
      "--desired",
      path.join(ROOT, "desired"),
      "--kubeconfig",
      readerKubeconfig,
      ...notOurs,
      "-o",
      "json",
    ]);
    const report = jsonReport(result);
    expect(report.problems).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.summary.live).toBeGreaterThan(0);
    expect([0, 1]).toContain(result.code);
  });

  it("run (the nightly job) works as the deploy/ ServiceAccount: drift recorded in git, exit 0", async () => {
    const repo = await createBareRepo(await tempDir("netpol-drift-lp-"), {
      seed: path.join(ROOT, "desired"),
      seedAt: "ops/k8s/network-policies",
    });
    const result = await netpolDrift(["run", "--kubeconfig", readerKubeconfig, ...notOurs], {
      env: {
        NETPOL_DRIFT_CLUSTER: "envtest",
        NETPOL_DRIFT_REPO: repo.fileUrl,
        NETPOL_DRIFT_PUSH: "direct",
        NETPOL_DRIFT_FORGE: "none",
        NETPOL_DRIFT_NOTIFY: "never",
      },
    });
    expect(result.stderr).not.toMatch(/"level":50/);
    expect(result.code).toBe(0);
    expect(repo.show("main", "ops/k8s/network-policies/CHANGELOG.md")).toMatch(/envtest/);
    expect(repo.ls("main", "change-records/envtest").some((f) => f.endsWith(".json"))).toBe(true);
  });

  it("the same token cannot read Secrets or Pods, nor get or write NetworkPolicies", async () => {
    const asReader = kubectl(env, readerKubeconfig);
    await expect(asReader(["get", "secrets", "-n", "lp-data"])).rejects.toThrow(/Forbidden|forbidden/);
    await expect(asReader(["get", "secret", "db", "-n", "lp-data"])).rejects.toThrow(/forbidden/);
    await expect(asReader(["get", "pods", "-A"])).rejects.toThrow(/forbidden/);
    await expect(asReader(["get", "networkpolicy", "default-deny", "-n", "lp-data"])).rejects.toThrow(/forbidden/);
    await expect(
      asReader(
        ["create", "-f", "-"],
        JSON.stringify({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "x", namespace: "lp-data" },
          spec: { podSelector: {} },
        }),
      ),
    ).rejects.toThrow(/forbidden/);
    expect((await asReader(["auth", "can-i", "list", "networkpolicies.networking.k8s.io", "-A"])).trim()).toBe("yes");
  });

  it("a ServiceAccount without the list permission gets exit 2 and is told which permission is missing", async () => {
    await k(["create", "namespace", "lp-nobody"]);
    await k(["-n", "lp-nobody", "create", "serviceaccount", "nobody"]);
    const token = (await k(["-n", "lp-nobody", "create", "token", "nobody", "--duration=1h"])).trim();
    const kc = await tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token, name: "nobody" });
    const result = await netpolDrift([
      "report",
      "--desired",
      path.join(ROOT, "desired"),
      "--kubeconfig",
      kc,
      "-o",
      "json",
    ]);
    const report = jsonReport(result);
    expect(result.code).toBe(2);
    expect(report.complete).toBe(false);
    expect(report.drift).toEqual([]);
    const message = report.problems.map((p: { message: string }) => p.message).join("\n");
    expect(message).toMatch(/HTTP 403/);
    expect(message).toMatch(/cannot list resource "networkpolicies" in API group "networking.k8s.io"/);
    expect(message).toMatch(/needs RBAC verb `list` on networkpolicies\.networking\.k8s\.io/);
  });

  it("--resolve-workloads is refused without the optional role: exit 2 naming the missing permission", async () => {
    const result = await netpolDrift([
      "report",
      "--desired",
      path.join(ROOT, "desired"),
      "--kubeconfig",
      readerKubeconfig,
      ...notOurs,
      "--resolve-workloads",
      "-o",
      "json",
    ]);
    const report = jsonReport(result);
    expect(result.code).toBe(2);
    expect(report.complete).toBe(false);
    expect(report.problems.map((p: { message: string }) => p.message).join("\n")).toMatch(/HTTP 403/);
    // The problem names the API call and the optional role to apply; the policies were still listed and
    // compared: only the analysis is in doubt.
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].call).toMatch(/^list (namespaces|pods in all namespaces) at https:\/\//);
    expect(report.problems[0].message).toMatch(
      /^HTTP 403 — .*`list` on namespaces and pods: deploy\/optional\/workloads-reader\.yaml/,
    );
    expect(report.summary.live).toBeGreaterThan(0);
    expect(report.withheld).not.toContain("*");
  });

  it("with deploy/optional applied, --resolve-workloads analyses the real pods instead of representatives", async () => {
    await k(["apply", "-k", path.join(ROOT, "deploy/optional")]);
    await k(["create", "namespace", "lp-web"]);
    await k(
      ["create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web-0", namespace: "lp-web", labels: { app: "web" } },
        spec: {
          containers: [
            { name: "web", image: "registry.example.com/web:1", ports: [{ name: "http", containerPort: 8080 }] },
          ],
        },
      }),
    );
    const result = await netpolDrift([
      "report",
      "--desired",
      path.join(ROOT, "desired"),
      "--kubeconfig",
      readerKubeconfig,
      ...notOurs,
      "--resolve-workloads",
      "-o",
      "json",
    ]);
    const report = jsonReport(result);
    expect(report.problems).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.analysis.workloads).toBe("capture");
    expect(report.sources.workloads).toBeTruthy();
    // still no more than listing: the role cannot read Secrets
    await expect(kubectl(env, readerKubeconfig)(["get", "secrets", "-n", "lp-data"])).rejects.toThrow(/forbidden/);
  });

  it("deploy/ and jobs/ are accepted by the API server", async () => {
    const out = await k(["apply", "--dry-run=server", "-k", path.join(ROOT, "jobs")]);
    expect(out).toMatch(/cronjob\.batch\/\S+ (created|configured|unchanged) \(server dry run\)/);
  });
});
