import { describe, expect, it } from "vitest";
import type { NamespaceEffect, Violation } from "../../../../src/model/analysis.js";
import type { DriftItem, Report } from "../../../../src/model/types.js";
import { changeRequestBody } from "../../../../src/render/nightly/change-request.js";

// The PR/MR body leads with what decides the review, and the cut to the forge's limit never drops a severe item.

const ns = (i: number) => `team-${String(i).padStart(3, "0")}`;
const drift: DriftItem[] = Array.from({ length: 1_000 }, (_, i) => ({
  state: "modified",
  namespace: ns(i % 200),
  name: `np-${i}`,
  changes: [{ path: "spec.ingress[0].from[0].ipBlock.cidr", desired: "10.0.0.0/8", live: "0.0.0.0/0" }],
  diff: `--- desired\n+++ live\n@@ -1 +1 @@\n-      cidr: 10.0.0.0/8\n+      cidr: 0.0.0.0/0\n${"  context line\n".repeat(20)}`,
}));
const effects: NamespaceEffect[] = Array.from({ length: 200 }, (_, i) => ({
  namespace: ns(i),
  effect: i % 4 === 0 ? "widens" : i % 4 === 1 ? "narrows" : i % 4 === 2 ? "changes" : "none",
  opened: [],
  closed: [],
  counts: { opened: i % 4 === 0 ? 7 : i % 4 === 2 ? 3 : 0, closed: i % 4 === 1 ? 2 : i % 4 === 2 ? 1 : 0 },
}));
const violations: Violation[] = Array.from({ length: 40 }, (_, i) => ({
  invariant: "tenant-isolation",
  side: "live",
  namespace: ns(i * 5),
  policy: `np-${i}`,
  message: `violation number ${i}: tenant traffic crosses into ${ns(i * 5 + 1)}`,
}));
const report: Report = {
  complete: true,
  summary: { desired: 1_000, live: 1_000, inSync: 0, missing: 0, unmanaged: 0, modified: 1_000 },
  drift,
  skipped: [],
  problems: [],
  generatedAt: "2025-06-01T02:30:00.000Z",
  cluster: "prod",
  withheld: [],
  sources: { desired: "repo main:ops", live: "cluster", requests: 1 },
  effects,
  violations,
};
const meta = { markdown: "change-records/prod/0001-20250601T023000Z-new.md", fingerprint: "ab".repeat(32) };

describe("the PR/MR body for 1,000 drifted policies", () => {
  const body = changeRequestBody(report, meta, { chars: 65_536 });

  it("stays within GitHub's limit and says what it left out and where it is", () => {
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(
      /_…cut to fit: .* left out; the full report is in `change-records\/prod\/0001-20250601T023000Z-new\.md` on this branch\._/,
    );
  });

  it("keeps every widening and changing namespace and every violation, ahead of the narrowing ones and the table", () => {
    for (const e of effects.filter((x) => x.effect === "widens")) expect(body).toContain(`\`${e.namespace}\``);
    for (const v of violations) expect(body).toContain(v.message);
    const at = (s: string) => body.indexOf(s);
    expect(at("### Widens traffic (50 namespaces)")).toBeGreaterThan(0);
    expect(at("### Widens traffic")).toBeLessThan(at("### Baseline invariants violated (40)"));
    // A namespace that opens some flows and closes others opens traffic too: it leads, never cut.
    for (const e of effects.filter((x) => x.effect === "changes")) expect(body).toContain(`\`${e.namespace}\``);
    expect(at("### Opens and closes traffic (50 namespaces)")).toBeGreaterThan(at("### Widens traffic"));
    expect(at("### Opens and closes traffic")).toBeLessThan(at("### Baseline invariants violated (40)"));
    const narrowing = at("**Effect: narrows");
    if (narrowing > -1) expect(at("### Baseline invariants violated")).toBeLessThan(narrowing);
  });

  it("folds the long table and the diffs, and closes every fold and fence it opens", () => {
    const small = changeRequestBody({ ...report, drift: drift.slice(0, 30), effects: [], violations: [] }, meta);
    expect(small).toContain("<details><summary>The table (30 rows)</summary>");
    expect(small).toContain("<details><summary>Diffs in one namespace");
    for (const text of [body, small]) {
      expect((text.match(/^<details>/gm) ?? []).length).toBe((text.match(/^<\/details>/gm) ?? []).length);
      expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
  });
});
