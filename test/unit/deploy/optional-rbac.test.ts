import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

// The workloads grant is opt-in: its own kustomization, bound to the base's ServiceAccount, never in the base.

const DEPLOY = path.resolve(import.meta.dirname, "../../../deploy");
const read = (rel: string) => readFile(path.join(DEPLOY, rel), "utf8");

describe("deploy/optional/workloads-reader.yaml", () => {
  it("lists namespaces and pods, nothing else, for the same ServiceAccount as the base binding", async () => {
    const docs = parseAllDocuments(await read("optional/workloads-reader.yaml")).map(
      (d) => d.toJS() as Record<string, any>,
    );
    const role = docs.find((d) => d.kind === "ClusterRole")!;
    const binding = docs.find((d) => d.kind === "ClusterRoleBinding")!;
    expect(docs).toHaveLength(2);
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["namespaces", "pods"], verbs: ["list"] }]);
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: role.metadata.name,
    });
    const base = parse(await read("clusterrolebinding.yaml")) as { subjects: unknown[] };
    expect(binding.subjects).toEqual(base.subjects);
  });

  it("is applied on its own: its kustomization lists it, the base does not", async () => {
    expect((parse(await read("optional/kustomization.yaml")) as { resources: string[] }).resources).toEqual([
      "workloads-reader.yaml",
    ]);
    const base = parse(await read("kustomization.yaml")) as { resources: string[] };
    expect(base.resources.some((r) => r.includes("optional") || r.includes("workloads"))).toBe(false);
  });
});
