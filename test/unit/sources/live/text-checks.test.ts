import { describe, expect, it } from "vitest";
import { decodeUtf8, flowTooDeep, tooDeep } from "../../../../src/sources/live/text-checks.js";

describe("input text checks", () => {
  it("decodes UTF-8 and drops a BOM; names the line of the first invalid byte", () => {
    expect(decodeUtf8(Buffer.from("\uFEFFcafé\n"))).toEqual({ text: "café\n" });
    expect(decodeUtf8(Buffer.from("a\nb\ncaf\u00e9\n", "latin1"))).toEqual({ badLine: 3 });
    expect(decodeUtf8(Buffer.from([0x61, 0x0a, 0xed, 0xa0, 0x80]))).toEqual({ badLine: 2 }); // a surrogate
    expect(decodeUtf8(Buffer.from([0x0a, 0x0a, 0xe2, 0x82]))).toEqual({ badLine: 3 }); // cut short
  });

  it("bounds flow nesting, not counting brackets in strings or comments", () => {
    expect(flowTooDeep("[".repeat(101))).toBe(true);
    expect(flowTooDeep("[".repeat(100) + "]".repeat(100))).toBe(false);
    expect(flowTooDeep(`a: "${"[".repeat(500)}"\nb: '${"{".repeat(500)}'\n# ${"[".repeat(500)}\n`)).toBe(false);
    expect(flowTooDeep(`note: it's [${"[".repeat(200)}`)).toBe(true);
  });

  it("bounds value nesting without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(tooDeep(deep)).toBe(true);
    expect(tooDeep({ a: [{ b: { c: [1] } }] })).toBe(false);
  });
});
