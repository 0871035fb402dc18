import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../fixtures/cli-context.js";
import { kubectlList, serverPolicy } from "../../../fixtures/server-shaped.js";
import { put, tempTree } from "../../../fixtures/temp-tree.js";

// A broken document that names its own namespace makes THAT namespace uncertain: its live policies are
// withheld, never "unmanaged" — and scoping the report to that namespace must not hide the problem.
const liveWeb = serverPolicy("tenant-b", "web", { podSelector: {}, policyTypes: ["Ingress"] });

async function report(brokenDoc: string, live = kubectlList([liveWeb])) {
  const root = await tempTree({ "desired/tenant-a/x.yaml": brokenDoc });
  await put(root, "capture.json", JSON.stringify(live));
  const r = await runCli([
    "report",
    "--desired",
    path.join(root, "desired"),
    "--live-file",
    path.join(root, "capture.json"),
    "-n",
    "tenant-b",
    "-o",
    "json",
  ]);
  return { code: r.code, report: JSON.parse(r.stdout) as Record<string, any> };
}

describe("desired problems are charged to the namespace a document declares", () => {
  // Parsed documents are charged to the namespace they declare; a document that cannot be read names it only in
  // its text, and one naming another namespace than its folder's leaves every namespace in doubt ("*").
  const cases: [string, string, number, string][] = [
    [
      "extensions/v1beta1",
      "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: tenant-b\nspec:\n  podSelector: {}\n",
      1,
      "tenant-b",
    ],
    [
      "a missing apiVersion",
      "kind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: tenant-b\nspec:\n  podSelector: {}\n",
      1,
      "tenant-b",
    ],
    [
      "an alias to a missing anchor",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: tenant-b\n  labels: *missing\nspec:\n  podSelector: {}\n",
      6,
      "*",
    ],
    [
      "an unclosed flow mapping",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: tenant-b\nspec:\n  podSelector: {}\n",
      3,
      "*",
    ],
  ];
  for (const [what, doc, line, ns] of cases) {
    it(`${what}: exit 2, ${ns} withheld, the problem at tenant-a/x.yaml:${line}`, async () => {
      const { code, report: r } = await report(doc);
      expect(code).toBe(2);
      expect(r.complete).toBe(false);
      expect(r.drift).toEqual([]);
      expect(r.withheld).toEqual([ns]);
      expect(r.problems).toEqual([expect.objectContaining({ file: "tenant-a/x.yaml", line, namespace: ns })]);
    });
  }
});

describe("null fields the API server treats as absent are not problems", () => {
  it("protocol: null and endPort: null compare equal to the defaulted live object", async () => {
    const doc =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: tenant-b\nspec:\n  podSelector: {}\n  ingress:\n    - ports:\n        - port: 80\n          protocol:\n          endPort:\n";
    const live = serverPolicy("tenant-b", "web", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 80, protocol: "TCP" }] }],
    });
    const { code, report: r } = await report(doc, kubectlList([live]));
    expect(r.problems).toEqual([]);
    expect(r.summary.inSync).toBe(1);
    expect(code).toBe(0);
  });
});
