import { describe, expect, it } from "vitest";
import type { DriftItem, Report } from "../../../../src/model/types.js";
import { decide, digestKind } from "../../../../src/core/nightly-plan.js";
import { latestRecordFile, parseDeliveryNote, parseRecordJson } from "../../../../src/core/records.js";
import type { RecordMeta } from "../../../../src/model/nightly.js";
import { buildDigest } from "../../../../src/render/nightly/digest.js";
import {
  appendEntry,
  CHANGELOG_HEADER,
  entryText,
  parseChangelog,
  type EntryInput,
} from "../../../../src/render/nightly/changelog.js";
import { buildRecord, deliveryNoteText } from "../../../../src/render/nightly/record.js";
import { fingerprint, NO_DRIFT } from "../../../../src/core/fingerprint.js";

const item = (over: Partial<DriftItem> = {}): DriftItem => ({
  state: "modified",
  namespace: "database",
  name: "api-to-postgres",
  changes: [{ path: "spec.ingress[0].ports[0].port", desired: 5432, live: 5433 }],
  diff: "--- a\n+++ b\n-port: 5432\n+port: 5433\n",
  changedBy: { manager: "kubectl-edit", operation: "Update", time: "2025-06-01T01:00:00Z" },
  ...over,
});

const report = (drift: DriftItem[], generatedAt = "2025-06-01T02:30:00.000Z"): Report => ({
  complete: true,
  summary: {
    desired: 3,
    live: 3,
    inSync: 3 - drift.length,
    missing: drift.filter((d) => d.state === "missing").length,
    unmanaged: 0,
    modified: drift.filter((d) => d.state === "modified").length,
  },
  drift,
  skipped: [],
  problems: [],
  generatedAt,
  cluster: "prod",
  withheld: [],
  sources: { desired: "repo main:ops", live: "file: x.json", requests: 1 },
});

const missing = item({
  state: "missing",
  namespace: "tenant-acme",
  name: "mcp-egress",
  changes: [],
  diff: "-all\n",
  changedBy: undefined,
});

describe("fingerprint", () => {
  it("is stable across order, time and who touched the object, and moves with what drifted", () => {
    const a = fingerprint([item(), missing]);
    expect(fingerprint([missing, item()])).toBe(a);
    expect(
      fingerprint([
        item({ changedBy: { manager: "helm", operation: "Apply", time: "2030-01-01T00:00:00Z" } }),
        missing,
      ]),
    ).toBe(a);
    expect(
      fingerprint([item({ changes: [{ path: "spec.ingress[0].ports[0].port", desired: 5432, live: 5434 }] }), missing]),
    ).not.toBe(a);
    expect(fingerprint([item()])).not.toBe(a);
    expect(fingerprint([item({ state: "unmanaged", changes: [] }), missing])).not.toBe(a);
    // F-Q2: a literal, not NO_DRIFT itself: sha256("[]"), what resolution records of every version hold.
    expect(fingerprint([])).toBe("4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");
    expect(NO_DRIFT).toBe(fingerprint([]));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("decide", () => {
  const meta = (kind: RecordMeta["kind"], fp: string) =>
    ({ kind, fingerprint: fp, fingerprintVersion: 2 }) as RecordMeta;
  const r = { drift: [] };
  it("turns the last record and today's fingerprint into news or nothing", () => {
    expect(decide(undefined, r, NO_DRIFT)).toBeUndefined();
    expect(decide(undefined, r, "f1")).toBe("new");
    expect(decide(meta("new", "f1"), r, "f1")).toBeUndefined();
    expect(decide(meta("new", "f1"), r, "f2")).toBe("changed");
    expect(decide(meta("changed", "f2"), r, NO_DRIFT)).toBe("resolved");
    expect(decide(meta("resolved", NO_DRIFT), r, NO_DRIFT)).toBeUndefined();
    expect(decide(meta("resolved", NO_DRIFT), r, "f3")).toBe("new");
  });
});

describe("digestKind", () => {
  const cur = (kind: RecordMeta["kind"], slack?: boolean) =>
    ({ kind, delivery: slack ? { slack: { sentAt: "t" } } : {} }) as RecordMeta;
  it("sends news once, a missed digest later, and every run only under always", () => {
    expect(digestKind("changes", cur("new"), true)).toBe("new");
    expect(digestKind("changes", cur("new", true), false)).toBeUndefined();
    expect(digestKind("changes", cur("changed"), false)).toBe("changed");
    expect(digestKind("changes", undefined, false)).toBeUndefined();
    expect(digestKind("always", cur("new", true), false)).toBe("unchanged");
    expect(digestKind("always", undefined, false)).toBe("unchanged");
    expect(digestKind("never", cur("new"), true)).toBeUndefined();
  });
});

describe("change record", () => {
  const now = new Date("2025-06-01T02:30:00Z");
  it("is Markdown with diffs and who changed what, and a JSON report carrying the fingerprint", () => {
    const r = report([item(), missing]);
    const files = buildRecord({
      report: r,
      kind: "new",
      cluster: "prod",
      fingerprint: fingerprint(r.drift),
      recordsDir: "ops/np/change-records",
      sequence: 7,
      now,
    });
    expect(files.markdownPath).toBe("ops/np/change-records/prod/0007-20250601T023000Z-new.md");
    expect(files.jsonPath).toBe("ops/np/change-records/prod/0007-20250601T023000Z-new.json");
    expect(files.markdown).toContain("```diff");
    expect(files.markdown).toContain("kubectl-edit");
    const parsed = parseRecordJson(files.json, files.jsonPath);
    expect(parsed.meta).toMatchObject({
      schema: 1,
      kind: "new",
      sequence: 7,
      fingerprint: fingerprint(r.drift),
    });
    // What is delivered later lives in the record's git note, never in the file.
    expect(parsed.meta.delivery).toBeUndefined();
    expect(parsed.report.drift).toHaveLength(2);
    const note = deliveryNoteText(files, { slack: { sentAt: "t" } });
    expect(note).not.toContain("\n");
    expect(parseDeliveryNote(note, "refs/notes/x:abc")).toEqual({ slack: { sentAt: "t" } });
    expect(JSON.parse(note)).toMatchObject({ record: files.jsonPath, fingerprint: fingerprint(r.drift) });
    expect(() => parseDeliveryNote("{", "refs/notes/x:abc")).toThrow(
      /^refs\/notes\/x:abc: delivery note is not valid JSON/,
    );
    expect(() => parseDeliveryNote('{"schema":2}', "refs/notes/x:abc")).toThrow(/no valid `delivery`/);
  });

  it("a resolution lists what was resolved", () => {
    const before = buildRecord({
      report: report([item()]),
      kind: "new",
      cluster: "prod",
      fingerprint: "f1",
      recordsDir: "r",
      sequence: 1,
      now,
    });
    const res = buildRecord({
      report: report([]),
      kind: "resolved",
      cluster: "prod",
      fingerprint: NO_DRIFT,
      recordsDir: "r",
      sequence: 2,
      now,
      previous: { meta: before.meta, report: report([item()]) },
    });
    expect(res.meta).toMatchObject({
      previousFingerprint: "f1",
      resolved: [{ namespace: "database", name: "api-to-postgres", state: "modified" }],
    });
    expect(res.markdown).toContain("`database/api-to-postgres` modified");
    const digest = buildDigest({
      kind: "resolved",
      cluster: "prod",
      report: report([]),
      fingerprint: NO_DRIFT,
      record: res.meta,
    });
    expect(digest.namespaces).toEqual([
      { namespace: "database", items: [{ name: "api-to-postgres", state: "modified", paths: [] }] },
    ]);
  });

  it("finds the newest record by sequence, not by name or time", () => {
    expect(
      latestRecordFile([
        "0009-20250601T000000Z-new.json",
        "0010-20240101T000000Z-changed.json",
        "0011-x.md",
        "notes.txt",
      ])?.name,
    ).toBe("0010-20240101T000000Z-changed.json");
    expect(latestRecordFile(["README.md"])).toBeUndefined();
  });

  it("refuses a JSON file that is not a record", () => {
    expect(() => parseRecordJson("{", "r/1.json")).toThrow(/^r\/1\.json: not valid JSON/);
    expect(() => parseRecordJson('{"summary":{}}', "r/1.json")).toThrow(/no valid `record` field/);
  });
});

describe("CHANGELOG", () => {
  const input = (over: Partial<EntryInput> = {}): EntryInput => ({
    cluster: "prod",
    kind: "new",
    report: report([item(), missing]),
    fingerprint: "a".repeat(64),
    recordPath: "ops/np/change-records/prod/0001-20250601T023000Z-new.md",
    changelogPath: "ops/np/CHANGELOG.md",
    now: new Date("2025-06-01T02:30:00Z"),
    ...over,
  });

  it("creates the file with a header, one line per drifted policy and a relative link to the record", () => {
    const text = appendEntry(undefined, input());
    expect(text.startsWith(CHANGELOG_HEADER)).toBe(true);
    expect(text).toContain("## 2025-06-01 02:30 UTC — `prod`: drift detected, 2 policies (`aaaaaaaaaaaa`)");
    expect(text).toContain(
      "- `~` `database/api-to-postgres` modified: `spec.ingress[0].ports[0].port` (last changed by kubectl-edit",
    );
    expect(text).toContain("- `-` `tenant-acme/mcp-egress` missing");
    expect(text).toContain("](change-records/prod/0001-20250601T023000Z-new.md)");
    expect(parseChangelog(text)).toEqual([{ cluster: "prod", kind: "new", fingerprint: "a".repeat(64) }]);
  });

  it("appends after what is there (human entries, no trailing newline) and never rewrites it", () => {
    const human = "# Changelog\n\n## 2025-05-30\n- widened egress for mcp (PR #12)";
    const once = appendEntry(human, input());
    expect(once.startsWith(human + "\n")).toBe(true);
    const twice = appendEntry(
      once,
      input({ kind: "resolved", report: report([]), fingerprint: "b".repeat(64), resolvedCount: 2 }),
    );
    expect(twice.startsWith(once)).toBe(true);
    expect(twice).toContain("The 2 drifted policies are back in sync");
    expect(parseChangelog(twice).map((e) => e.kind)).toEqual(["new", "resolved"]);
  });

  it("stays bounded for a big first run: the summary, the severe namespaces and their policies, a pointer (issue 13)", () => {
    const drift = Array.from({ length: 406 }, (_, i) =>
      item({ namespace: `team-${String(i % 40).padStart(2, "0")}`, name: `np-${i}`, changedBy: undefined }),
    );
    const effects = Array.from({ length: 40 }, (_, i) => ({
      namespace: `team-${String(i).padStart(2, "0")}`,
      effect: (i === 31 ? "widens" : i === 7 ? "changes" : "narrows") as "widens" | "changes" | "narrows",
      opened: [],
      closed: [],
      counts: { opened: i === 31 ? 3 : 0, closed: 1 },
    }));
    const text = entryText(input({ report: { ...report(drift), effects } }));
    expect(text.split("\n").length).toBeLessThan(30);
    expect(text).toContain(
      "Effect on traffic: **WIDENS** in `team-31` (3 flows opened, 1 closed); changes in `team-07` (0 flows opened, 1 closed); narrows in 38 more namespaces.",
    );
    const items = text.split("\n").filter((l) => l.startsWith("- `"));
    expect(items).toHaveLength(10);
    expect(items.slice(0, 10).every((l) => /team-(31|07)\//.test(l))).toBe(true);
    expect(text).toContain("- … and 396 more (the change record lists all)");
  });

  it("does not append the same entry twice, but does for another cluster", () => {
    const once = appendEntry(undefined, input());
    expect(appendEntry(once, input())).toBe(once);
    expect(parseChangelog(appendEntry(once, input({ cluster: "staging" })))).toHaveLength(2);
  });
});
