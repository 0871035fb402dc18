import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";
import { applyFolders, prefixedCopy } from "./helpers/namespaces.js";
import { envtest, nsFlags } from "./helpers/setup.js";

// The rules file against real managedFields: what the API server records for each writer decides what a
// `fieldsOwnedBy` ignore hides. Waivers run on the CLI's real clock, so their dates are far from today.
describe("rules: ignore by field manager, expected live-only policies, waivers", () => {
  const { env, k } = envtest();
  let report: Record<string, any>;
  let unruled: Record<string, any>;
  let code: number;

  beforeAll(async () => {
    const copy = await prefixedCopy(path.join(ROOT, "desired"), "rul");
    await applyFolders(k, copy.root, copy.namespaces);
    // a CNI controller labels a policy; then a person edits a port of the same policy
    await k([
      "label",
      "networkpolicy",
      "api-to-postgres",
      "-n",
      "rul-stratmaster",
      "projectcalico.org/tier=default",
      "--field-manager",
      "calico-kube-controllers",
    ]);
    await k([
      "patch",
      "networkpolicy",
      "api-to-postgres",
      "-n",
      "rul-stratmaster",
      "--type=json",
      "--field-manager",
      "kubectl-edit",
      "-p",
      JSON.stringify([{ op: "replace", path: "/spec/egress/0/ports/0/port", value: 5433 }]),
    ]);
    // two hot fixes: one under an active waiver, one whose waiver ran out
    for (const ns of ["rul-tenant-globex", "rul-tenant-acme"]) {
      await k([
        "patch",
        "networkpolicy",
        "default-deny",
        "-n",
        ns,
        "--type=merge",
        "--field-manager",
        "e2e-hotfix",
        "-p",
        JSON.stringify({ spec: { ingress: [{}] } }),
      ]);
    }
    // live-only policies: an operator's (expected) and its neighbour (not)
    for (const name of ["operator-cache", "debug-allow-all"]) {
      await k(
        ["create", "--field-manager", "e2e-creator", "-f", "-"],
        JSON.stringify({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name, namespace: "rul-stratmaster" },
          spec: { podSelector: {}, ingress: [{}] },
        }),
      );
    }
    const rules = path.join(copy.root, "..", `${path.basename(copy.root)}.rules.yaml`);
    await writeFile(
      rules,
      [
        "ignore:",
        "  - match: {namespace: 'rul-*'}",
        "    fieldsOwnedBy: calico-kube-*",
        "unmanaged:",
        "  - match: {namespace: rul-stratmaster, name: 'operator-*'}",
        "waivers:",
        "  - match: {namespace: rul-tenant-globex, name: default-deny}",
        "    reason: INC-4711 hot fix",
        "    owner: platform-team",
        "    expires: 2999-12-31",
        "  - match: {namespace: rul-tenant-acme, name: default-deny}",
        "    reason: INC-4000 old hot fix",
        "    owner: team-acme",
        "    expires: 2020-01-31",
      ].join("\n"),
    );
    const result = await netpolDrift([
      "report",
      "--desired",
      copy.root,
      "--kubeconfig",
      env.adminKubeconfig,
      ...nsFlags(copy.namespaces),
      "--rules",
      rules,
      "-o",
      "json",
    ]);
    report = jsonReport(result);
    code = result.code;
    const args = ["report", "--desired", copy.root, "--kubeconfig", env.adminKubeconfig, ...nsFlags(copy.namespaces)];
    unruled = jsonReport(await netpolDrift([...args, "--no-rules", "-o", "json"]));
  });

  it("hides what the controller wrote and shows what the person changed in the same policy", () => {
    const item = report.drift.find((d: any) => d.name === "api-to-postgres");
    expect(item.changes).toEqual([{ path: "spec.egress[0].ports[0].port", desired: 5432, live: 5433 }]);
    expect(item.changedBy.manager).toBe("kubectl-edit");
    expect(item.diff).not.toContain("projectcalico.org/tier");
    // without the rules, the controller's label is drift too: the ignore is what hid it
    const bare = unruled.drift.find((d: any) => d.name === "api-to-postgres");
    expect(bare.changes.map((c: any) => c.path)).toEqual([
      'metadata.labels["projectcalico.org/tier"]',
      "spec.egress[0].ports[0].port",
    ]);
  });

  it("silences the expected live-only policy and not its neighbour; waives one hot fix, not the expired one", () => {
    const seen = report.drift.map((d: any) => `${d.state} ${d.namespace}/${d.name}`);
    expect(seen).toEqual([
      "modified rul-stratmaster/api-to-postgres",
      "unmanaged rul-stratmaster/debug-allow-all",
      "modified rul-tenant-acme/default-deny",
    ]);
    expect(report.rules.expected.map((e: any) => e.name)).toEqual(["operator-cache"]);
    expect(report.waived.map((w: any) => `${w.namespace}/${w.name} ${w.waiver.expires}`)).toEqual([
      "rul-tenant-globex/default-deny 2999-12-31",
    ]);
    const expired = report.drift.find((d: any) => d.namespace === "rul-tenant-acme");
    expect(expired.waiverExpired).toMatchObject({ reason: "INC-4000 old hot fix", expires: "2020-01-31" });
    expect(report.summary).toMatchObject({ waived: 1, expected: 1, unmanaged: 1, modified: 2 });
    expect(report.complete).toBe(true);
    expect(code).toBe(1);
  });
});
