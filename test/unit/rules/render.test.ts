import { describe, expect, it } from "vitest";
import type { ReportRules, WaivedItem } from "../../../src/model/rules.js";
import { rulesMarkdownLines, rulesTextLines, waiverExpiredText } from "../../../src/render/rules.js";

const waived: WaivedItem[] = [
  {
    state: "modified",
    namespace: "tenant-acme",
    name: "default-deny",
    changes: [],
    diff: "",
    waiver: {
      rule: ".netpol-drift.yaml:12",
      reason: "INC-4711 | see [here](https://evil.example) \x1b[2J",
      owner: "platform-team",
      expires: "2027-01-31",
      expiresSoon: true,
    },
  },
];
const rules: ReportRules = {
  file: ".netpol-drift.yaml",
  expected: [{ namespace: "netpol-drift", name: "egress", rule: ".netpol-drift.yaml:3" }],
  outsideDesiredNamespaces: 0,
  expiringSoon: [waived[0]!.waiver],
  expired: [{ rule: ".netpol-drift.yaml:20", reason: "old", owner: "o", expires: "2026-11-30" }],
  unmatched: [],
};

describe("rules in the report's text and Markdown", () => {
  it("shows each waived item with reason, owner and date; nothing from the file can format or repaint", () => {
    const text = rulesTextLines(waived, rules).join("\n");
    expect(text).toContain("waived (1, not drift):");
    expect(text).toContain("tenant-acme/default-deny  waived until 2027-01-31 (ends within 7 days) by platform-team");
    expect(text).not.toContain("\x1b");
    expect(text).toContain(
      "rules: waiver expired on 2026-11-30 (o: old, .netpol-drift.yaml:20): the drift it covered is drift again",
    );
    expect(text).toContain("1 live-only policy expected by the unmanaged allow-list");

    const md = rulesMarkdownLines(waived, rules).join("\n");
    expect(md).toContain("### Waived (1, not drift)");
    const row = md.split("\n").find((l) => l.includes("default-deny")) ?? "";
    expect(row.split(/(?<!\\)\|/)).toHaveLength(8); // 6 cells: the reason's | does not end one
    expect(row).toContain("\\[here\\](https\\://evil.example)");
  });

  it("says when a waiver ran out", () => {
    expect(waiverExpiredText({ rule: "r.yaml:2", reason: "INC-1", owner: "team", expires: "2027-01-31" })).toBe(
      "waiver expired on 2027-01-31 (team: INC-1, r.yaml:2)",
    );
  });

  it("says nothing without rules", () => {
    expect(rulesTextLines(undefined, undefined)).toEqual([]);
    expect(rulesMarkdownLines([], undefined)).toEqual([]);
  });
});
