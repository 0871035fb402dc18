import { describe, expect, it } from "vitest";
import { renderJson } from "../../../src/render/index.js";
import { driftReport } from "../../fixtures/sample-report.js";

// The JSON contract of the issue: fields may be added, never removed or renamed.
describe("JSON renderer", () => {
  const broken = {
    file: "shop/broken.yaml",
    line: 3,
    message: "invalid YAML: Map keys must be unique",
    namespace: "shop",
  };
  const json = JSON.parse(renderJson(driftReport([broken]))) as Record<string, unknown>;

  it("has every top-level field of the contract", () => {
    for (const key of ["complete", "summary", "drift", "skipped", "problems", "generatedAt", "cluster"])
      expect(json).toHaveProperty(key);
    expect(json.complete).toBe(false);
    expect(json.generatedAt).toBe("2025-06-12T08:00:00.000Z");
    expect(json.cluster).toBe("prod-eu");
    expect(json.summary).toEqual({ desired: 3, live: 3, inSync: 1, missing: 1, unmanaged: 1, modified: 1 });
  });

  it("describes a modified policy with state, namespace, name, source, changes, diff and changedBy", () => {
    const drift = json.drift as Record<string, unknown>[];
    const modified = drift.find((d) => d.name === "api-ingress");
    expect(modified).toMatchObject({
      state: "modified",
      namespace: "shop",
      name: "api-ingress",
      source: "shop/api-ingress.yaml",
      changes: [{ path: "spec.ingress[0].ports[0].port", desired: 8080, live: 9090 }],
      changedBy: { manager: "kubectl-edit", operation: "Update", time: "2025-06-11T16:02:44Z" },
    });
    expect(modified?.diff).toContain("-          port: 8080\n+          port: 9090\n");
    expect(drift.map((d) => d.state)).toEqual(["unmanaged", "modified", "missing"]);
  });

  it("lists problems with file, line and message, and skipped documents", () => {
    expect(json.problems).toEqual([broken]);
    expect(json.skipped).toEqual([
      { file: "values.yaml", line: 1, reason: "not a Kubernetes object (no apiVersion/kind)" },
    ]);
  });

  it("ends with a newline and is indented", () => {
    const text = renderJson(driftReport());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toMatch(/^ {2}"/);
  });
});
