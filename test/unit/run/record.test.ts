import { describe, expect, it } from "vitest";
import type { DriftItem, Report } from "../../../src/model/types.js";
import { digestKind } from "../../../src/pipeline/run-deliver.js";
import { buildDigest } from "../../../src/pipeline/run-digest.js";
import { decide } from "../../../src/pipeline/run-record.js";
import {
  appendEntry,
  CHANGELOG_HEADER,
  parseChangelog,
  type EntryInput,
} from "../../../src/sinks/changelog/changelog.js";
import {
  buildRecord,
  latestRecordFile,
  parseRecordJson,
  withDelivery,
  type RecordMeta,
} from "../../../src/sinks/record/record.js";
import { fingerprint, NO_DRIFT } from "../../../src/sinks/record/fingerprint.js";

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
    expect(fingerprint([])).toBe(NO_DRIFT);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("decide", () => {
  const meta = (kind: RecordMeta["kind"], fp: string) => ({ kind, fingerprint: fp }) as RecordMeta;
  it("turns the last record and today's fingerprint into news or nothing", () => {
    expect(decide(undefined, NO_DRIFT)).toBeUndefined();
    expect(decide(undefined, "f1")).toBe("new");
    expect(decide(meta("new", "f1"), "f1")).toBeUndefined();
    expect(decide(meta("new", "f1"), "f2")).toBe("changed");
    expect(decide(meta("changed", "f2"), NO_DRIFT)).toBe("resolved");
    expect(decide(meta("resolved", NO_DRIFT), NO_DRIFT)).toBeUndefined();
    expect(decide(meta("resolved", NO_DRIFT), "f3")).toBe("new");
  });
});

describe("digestKind", () => {
  const cur = (kind: RecordMeta["kind"], slack?: boolean) => ({
    meta: { kind, delivery: slack ? { slack: { sentAt: "t" } } : {} } as RecordMeta,
    report: report([]),
    jsonPath: "x",
  });
  it("sends news once, a missed digest later, and every run only under always", () => {
    expect(digestKind("changes", { current: cur("new"), written: true })).toBe("new");
    expect(digestKind("changes", { current: cur("new", true), written: false })).toBeUndefined();
    expect(digestKind("changes", { current: cur("changed"), written: false })).toBe("changed");
    expect(digestKind("changes", { written: false })).toBeUndefined();
    expect(digestKind("always", { current: cur("new", true), written: false })).toBe("unchanged");
    expect(digestKind("always", { written: false })).toBe("unchanged");
    expect(digestKind("never", { current: cur("new"), written: true })).toBeUndefined();
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
      delivery: {},
    });
    expect(parsed.report.drift).toHaveLength(2);
    const delivered = parseRecordJson(
      withDelivery(files.json, files.jsonPath, { slack: { sentAt: "t" } }),
      files.jsonPath,
    );
    expect(delivered.meta.delivery).toEqual({ slack: { sentAt: "t" } });
    expect(delivered.report).toEqual(parsed.report);
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

  it("does not append the same entry twice, but does for another cluster", () => {
    const once = appendEntry(undefined, input());
    expect(appendEntry(once, input())).toBe(once);
    expect(parseChangelog(appendEntry(once, input({ cluster: "staging" })))).toHaveLength(2);
  });
});
