import { describe, expect, it } from "vitest";
import type { Report } from "../../../../src/model/types.js";
import { appendEntry, parseChangelog, type EntryInput } from "../../../../src/render/nightly/changelog.js";
import { entryBlocks, mergeChangelog } from "../../../../src/render/nightly/changelog-merge.js";

// The CHANGELOG resolution used when main is merged into the drift branch: main's text as it is, then our
// entries main lacks, in the branch's order.

const report = (n: number): Report => ({
  complete: true,
  summary: { desired: 3, live: 3, inSync: 3 - n, missing: 0, unmanaged: 0, modified: n },
  drift: Array.from({ length: n }, (_, i) => ({
    state: "modified" as const,
    namespace: "db",
    name: `p${i}`,
    changes: [{ path: "spec.podSelector", desired: 1, live: 2 }],
    diff: "",
  })),
  skipped: [],
  problems: [],
  generatedAt: "2025-06-01T02:30:00.000Z",
  cluster: "prod",
  withheld: [],
  sources: { desired: "repo", live: "file", requests: 1 },
});
const entry = (day: number, fp: string, kind: EntryInput["kind"] = day === 1 ? "new" : "changed"): EntryInput => ({
  cluster: "prod",
  kind,
  report: report(kind === "resolved" ? 0 : 1),
  fingerprint: fp.repeat(64),
  resolvedCount: 1,
  recordPath: `ops/np/change-records/prod/000${day}.md`,
  changelogPath: "ops/np/CHANGELOG.md",
  now: new Date(Date.UTC(2025, 5, day, 2, 30)),
});
const HUMAN_MAIN = "# Changelog\n\n- 2025-06-01: rotated the egress allow-list\n";

describe("mergeChangelog", () => {
  it("keeps main's text and appends the branch's entries it lacks, in order", () => {
    const branch = appendEntry(appendEntry(undefined, entry(1, "a")), entry(2, "b"));
    const merged = mergeChangelog(branch, HUMAN_MAIN);
    expect(merged.startsWith(HUMAN_MAIN)).toBe(true);
    expect(parseChangelog(merged).map((e) => e.fingerprint[0])).toEqual(["a", "b"]);
    expect(entryBlocks(merged)).toEqual(entryBlocks(branch));
    // Idempotent: merging again adds nothing; the next entry appends after the merged ones.
    expect(mergeChangelog(branch, merged)).toBe(merged);
    expect(parseChangelog(appendEntry(merged, entry(3, "c"))).map((e) => e.fingerprint[0])).toEqual(["a", "b", "c"]);
  });

  it("an entry main already has (a merged PR), even touched up there, is not added again", () => {
    const one = appendEntry(undefined, entry(1, "a"));
    const edited = one.replace("1 modified", "1 modified (typo fixed by a person)") + "\n- a person's line\n";
    const branch = appendEntry(one, entry(2, "b"));
    const merged = mergeChangelog(branch, edited);
    expect(merged.startsWith(edited)).toBe(true);
    expect(parseChangelog(merged).map((e) => e.fingerprint[0])).toEqual(["a", "b"]);
  });

  it("the same drift coming back (same kind and fingerprint, another night) is another entry", () => {
    const branch =
      [entry(1, "a"), entry(2, "b"), entry(3, "a"), entry(4, "b")].reduce<string | undefined>(
        (t, e) => appendEntry(t, e),
        undefined,
      ) ?? "";
    const mainHas =
      [entry(1, "a"), entry(2, "b")].reduce<string | undefined>((t, e) => appendEntry(t, e), undefined) ?? "";
    expect(parseChangelog(mergeChangelog(branch, mainHas)).map((e) => `${e.kind}:${e.fingerprint[0]}`)).toEqual([
      "new:a",
      "changed:b",
      "changed:a",
      "changed:b",
    ]);
  });

  it("a person's dated heading is not taken for one of ours, and text people wrote on the branch is not copied", () => {
    const branch = `# Changelog\n\n## 2025-05-31 10:00 UTC — a person's note\nnothing to see\n\n${appendEntry("", entry(1, "a")).trimStart()}`;
    const blocks = entryBlocks(branch);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.startsWith("## 2025-06-01 02:30 UTC — `prod`")).toBe(true);
    const merged = mergeChangelog(branch, "");
    expect(merged).toBe(`${blocks[0]}\n`);
  });
});
