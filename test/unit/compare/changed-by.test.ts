import { describe, expect, it } from "vitest";
import { compare } from "../../../src/compare/compare.js";
import { fieldPath } from "../../../src/compare/changed-by.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/policy.js";
import { managedEntry, manifest, serverPolicy } from "../../fixtures/server-shaped.js";

const T = "2026-11-20T10:00:00Z"; // an apply and a patch in the same second: timestamps cannot order them
const spec = {
  podSelector: {},
  policyTypes: ["Ingress", "Egress"],
  egress: [{ ports: [{ port: 53, protocol: "UDP" }] }],
};
const csa = managedEntry("kubectl-client-side-apply", "Update", T, {
  "f:metadata": { "f:labels": { ".": {}, "f:component": {}, "f:tenant": {} } },
  "f:spec": { "f:egress": {}, "f:podSelector": {}, "f:policyTypes": {} },
});

function verdict(live: Record<string, unknown>) {
  const opts = defaultNormalizeOptions();
  const desired = normalizePolicy(
    manifest("default-deny", spec, { labels: { component: "baseline", tenant: "acme" } }),
    "acme",
    { file: "acme/dd.yaml", line: 1 },
    opts,
  );
  return compare([desired], [normalizePolicy(live, "acme", {}, opts)], []).drift;
}

describe("changedBy names the owner of the drifted fields", () => {
  it("picks the patcher of spec.ingress over an apply in the same second listed after it", () => {
    const patch = managedEntry("allow-all-patcher", "Update", T, { "f:spec": { "f:ingress": {} } });
    const live = serverPolicy(
      "acme",
      "default-deny",
      { ...spec, ingress: [{}] },
      {
        labels: { component: "baseline", tenant: "acme" },
        managedFields: [patch, csa],
      },
    );
    const [item] = verdict(live);
    expect(item?.changes).toEqual([{ path: "spec.ingress", live: [{}] }]);
    expect(item?.changedBy).toEqual({ manager: "allow-all-patcher", operation: "Update", time: T });
  });

  it("picks the labeller for a label change, even when an older entry is newer by list position", () => {
    const labeller = managedEntry("kubectl-label", "Update", "2026-11-21T08:00:00Z", {
      "f:metadata": { "f:labels": { "f:component": {} } },
    });
    const other = managedEntry("argocd-controller", "Apply", "2026-11-22T08:00:00Z", {
      "f:metadata": { "f:annotations": { "f:note": {} } },
    });
    const live = serverPolicy("acme", "default-deny", spec, {
      labels: { component: "hand-edited", tenant: "acme" },
      managedFields: [csa, labeller, other],
    });
    const [item] = verdict(live);
    expect(item?.changes.map((c) => c.path)).toEqual(["metadata.labels.component"]);
    expect(item?.changedBy?.manager).toBe("kubectl-label");
  });

  it("falls back to the newest entry when nobody owns the drifted field (it was removed)", () => {
    const editor = managedEntry("kubectl-edit", "Update", "2026-11-23T08:00:00Z", {
      "f:spec": { "f:podSelector": {} },
    });
    const csaNoEgress = managedEntry("kubectl-client-side-apply", "Update", T, { "f:spec": { "f:policyTypes": {} } });
    const live = serverPolicy(
      "acme",
      "default-deny",
      { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      {
        labels: { component: "baseline", tenant: "acme" },
        managedFields: [csaNoEgress, editor],
      },
    );
    const [item] = verdict(live);
    expect(item?.changes).toEqual([{ path: "spec.egress", desired: [{ ports: [{ port: 53, protocol: "UDP" }] }] }]);
    expect(item?.changedBy?.manager).toBe("kubectl-edit");
  });

  it("ignores status-subresource writers", () => {
    const status = {
      ...managedEntry("status-writer", "Update", "2026-11-30T00:00:00Z", { "f:status": {} }),
      subresource: "status",
    };
    const live = serverPolicy("acme", "x", spec, { managedFields: [csa, status] });
    const policy = normalizePolicy(live, "acme", {}, defaultNormalizeOptions());
    expect(policy.changedBy?.manager).toBe("kubectl-client-side-apply");
  });
});

describe("fieldPath", () => {
  it("drops list indexes and unquotes keys with dots", () => {
    expect(fieldPath("spec.ingress[0].from[1].podSelector")).toEqual(["spec", "ingress", "from", "podSelector"]);
    expect(fieldPath('metadata.labels["app.kubernetes.io/name"]')).toEqual([
      "metadata",
      "labels",
      "app.kubernetes.io/name",
    ]);
  });
});
