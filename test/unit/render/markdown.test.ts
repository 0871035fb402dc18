import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../../src/render/index.js";
import { driftReport, inSyncReport } from "../../fixtures/sample-report.js";

describe("markdown renderer", () => {
  const md = renderMarkdown(
    driftReport([{ file: "shop/broken.yaml", line: 3, message: "invalid YAML: a | b", namespace: "shop" }]),
  );
  const lines = md.split("\n");

  it("starts with a heading naming the cluster and the verdict", () => {
    expect(lines[0]).toBe("## NetworkPolicy drift — `prod-eu`");
    expect(lines[2]).toMatch(
      /^\*\*INCOMPLETE: .*\*\* — 1 modified, 1 missing, 1 unmanaged, 1 in sync \(desired 3, live 3\)$/,
    );
  });

  it("has a summary table with one row per drifted policy", () => {
    const header = lines.indexOf("| | namespace | policy | state | last changed by |");
    expect(header).toBeGreaterThan(0);
    expect(lines.slice(header + 1, header + 5)).toEqual([
      "|---|---|---|---|---|",
      "| + | `cart` | `debug` | unmanaged | kubectl-create (Update at 2025-06-10T07:00:00Z) |",
      "| ~ | `shop` | `api-ingress` | modified | kubectl-edit (Update at 2025-06-11T16:02:44Z) |",
      "| - | `shop` | `deny-all` | missing | — |",
    ]);
  });

  it("lists problems with file:line, escaping table pipes", () => {
    expect(lines).toContain("### Problems (1)");
    expect(lines).toContain("- shop/broken.yaml:3: invalid YAML: a \\| b");
  });

  it("has one section per namespace and a closed diff block per policy", () => {
    expect(lines.filter((l) => l.startsWith("### Namespace "))).toEqual([
      "### Namespace `cart`",
      "### Namespace `shop`",
    ]);
    expect(lines).toContain("#### ~ `api-ingress` — modified (`shop/api-ingress.yaml`)");
    expect(lines).toContain("- `spec.ingress[0].ports[0].port`: 8080 → 9090");
    expect(lines.filter((l) => l === "```diff")).toHaveLength(3);
    expect(lines.filter((l) => l === "```")).toHaveLength(3);
  });

  it("cuts namespace sections to a maximum length and says where the rest is", () => {
    const full = renderMarkdown(driftReport());
    const max = full.length - 50; // room for everything but the last namespace section
    const cut = renderMarkdown(driftReport(), { maxLength: max, fullReportHint: "see the job log" });
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).toContain("### Namespace `cart`");
    expect(cut).not.toContain("### Namespace `shop`");
    expect(cut).toContain("_…1 namespace section(s) cut to fit; see the job log._");
    expect(cut).toContain("| ~ | `shop` | `api-ingress` | modified |");
  });

  it("cuts even the header at a whole line when it alone is over the limit, and says so", () => {
    const full = renderMarkdown(driftReport());
    const headEnd = full.indexOf("### Namespace ");
    const max = Math.floor(headEnd / 2);
    const cut = renderMarkdown(driftReport(), { maxLength: max, fullReportHint: "see the job log" });
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).toMatch(/_…the rest cut to fit; see the job log\._\n$/);
    const kept = cut.slice(0, cut.indexOf("\n_…the rest"));
    for (const line of kept.split("\n")) expect(full.split("\n")).toContain(line);
  });

  it("has no table and no sections when in sync", () => {
    const ok = renderMarkdown(inSyncReport());
    expect(ok).toContain("**in sync: no drift**");
    expect(ok).not.toContain("| | namespace |");
    expect(ok).not.toContain("```diff");
  });
});
