import { describe, expect, it } from "vitest";
import { clip, count, location, truncateMarkdown } from "../../../src/render/phrases.js";

// The one Markdown truncator (render/phrases.ts), tested as fitBody was when the forges cut bodies themselves.
const NOTE = "\n\n_…cut to fit the size limit of this forge._\n";
const fitBody = (body: string, limit: { chars: number; bytes?: number }) => truncateMarkdown(body, limit, NOTE);

describe("truncateMarkdown", () => {
  it("leaves a body within the limit alone", () => {
    expect(fitBody("short", { chars: 10 })).toBe("short");
  });

  it("cuts at a line end, says so, and stays within the limit", () => {
    const body = Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n");
    const out = fitBody(body, { chars: 1_000 });
    expect(out.length).toBeLessThanOrEqual(1_000);
    expect(out).toMatch(/line \d+\n\n_…cut to fit the size limit of this forge\._\n$/);
    expect(body.startsWith(out.slice(0, out.indexOf("\n\n_…cut")))).toBe(true);
  });

  it("closes a code fence the cut leaves open, so the note is not swallowed", () => {
    const body = "## a\n\n```diff\n" + "+ x\n".repeat(1_000) + "```\n";
    const out = fitBody(body, { chars: 500 });
    expect(out.length).toBeLessThanOrEqual(500);
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it("counts UTF-8 bytes when asked and never splits a surrogate pair", () => {
    const body = "😀".repeat(1_000);
    const out = fitBody(body, { chars: 10_000, bytes: 1_000 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1_000);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("the small phrases", () => {
  it("count, location and clip", () => {
    expect([count(1, "policy", "policies"), count(2, "policy", "policies"), count(0, "flow")]).toEqual([
      "1 policy",
      "2 policies",
      "0 flows",
    ]);
    expect([location("a.yaml", 7), location("a.yaml"), location(undefined, 3)]).toEqual(["a.yaml:7", "a.yaml", ""]);
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("ab😀", 3)).toBe("ab…");
  });
});
