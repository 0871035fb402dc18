// The change record stays small on a first run over 1,000 namespaces (every policy unmanaged): both files
// under 1 MB, the JSON still a record the next run can read, and what it left out counted.
import { describe, expect, it } from "vitest";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { buildReport } from "../../helpers/report.js";
import { parseRecordJson } from "../../../src/core/records.js";
import { buildRecord } from "../../../src/render/nightly/record.js";
import { RECORD_FILE_BUDGET } from "../../../src/render/nightly/trim.js";

const NAME = "kubernetes.io/metadata.name";
function firstRun(namespaces: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const np = (namespace: string, name: string, spec: object) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
  });
  for (let i = 0; i < namespaces; i++) {
    const ns = `team-${i}`;
    out.push(
      np(ns, "default-deny", {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { [NAME]: "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      }),
    );
    out.push(
      np(ns, "allow-ingress-nginx", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "ingress-nginx" } } }] }],
      }),
    );
    out.push(
      np(ns, "allow-same-ns", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
    );
  }
  return out;
}

describe("change record size", () => {
  it("1,000 drifted namespaces: each file under the budget, diffs and flows left out and counted", () => {
    const report = buildReport(
      { policies: [], skipped: [], problems: [] },
      { objects: firstRun(1000), cluster: "prod", origin: "test", requests: 1 },
      {
        scope: { namespaces: [], exclude: [] },
        normalize: defaultNormalizeOptions(),
        desiredRoot: "desired",
        generatedAt: "2025-01-01T00:00:00Z",
        analysis: { options: defaultAnalysisOptions() },
      },
    );
    expect(report.drift).toHaveLength(3000);
    const flows = report.effects!.reduce((n, e) => n + e.opened.length + e.closed.length, 0);
    const files = buildRecord({
      report,
      kind: "new",
      cluster: "prod",
      fingerprint: "ab".repeat(32),
      recordsDir: "records",
      sequence: 1,
      now: new Date("2025-01-01T00:00:00Z"),
    });
    expect(RECORD_FILE_BUDGET).toBeLessThan(1024 * 1024);
    expect(Buffer.byteLength(files.json)).toBeLessThanOrEqual(RECORD_FILE_BUDGET);
    expect(Buffer.byteLength(files.markdown)).toBeLessThanOrEqual(RECORD_FILE_BUDGET);
    expect(files.meta.trimmed).toEqual({ diffs: 3000, flows });
    expect(files.markdown).toContain(`the JSON leaves out 3000 diffs, ${flows} flows`);
    // The next run reads it back: every drifted policy by name and state, effects as kinds and counts.
    const back = parseRecordJson(files.json, "x.json");
    expect(back.report.drift).toHaveLength(3000);
    expect(back.report.drift[0]).toMatchObject({ namespace: "team-0", state: "unmanaged", diff: "" });
    expect(back.report.effects!.every((e) => e.opened.length === 0 && e.counts !== undefined)).toBe(true);
    expect(back.report.effects!.find((e) => e.namespace === "team-7")!.counts).toEqual({
      opened: 0,
      closed: report.effects!.find((e) => e.namespace === "team-7")!.closed.length,
    });
    // The file never grows after it is written: what was delivered goes into a git note.
    expect(Buffer.byteLength(files.json)).toBeLessThanOrEqual(RECORD_FILE_BUDGET);
  });

  it("a small record keeps the whole report, diffs and flows, and says nothing about trimming", () => {
    const report = buildReport(
      { policies: [], skipped: [], problems: [] },
      { objects: firstRun(2), cluster: "prod", origin: "test", requests: 1 },
      {
        scope: { namespaces: [], exclude: [] },
        normalize: defaultNormalizeOptions(),
        desiredRoot: "desired",
        generatedAt: "2025-01-01T00:00:00Z",
        analysis: { options: defaultAnalysisOptions() },
      },
    );
    const files = buildRecord({
      report,
      kind: "new",
      cluster: "prod",
      fingerprint: "ab".repeat(32),
      recordsDir: "records",
      sequence: 1,
      now: new Date("2025-01-01T00:00:00Z"),
    });
    expect(files.meta.trimmed).toBeUndefined();
    expect(parseRecordJson(files.json, "x.json").report).toEqual(report);
    expect(files.markdown).not.toContain("trimmed");
  });
});
