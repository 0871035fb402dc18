import { describe, expect, it } from "vitest";
import { asSortedSet, canonicalJson, sortKeys } from "../../../src/normalize/canonical.js";

describe("canonical form", () => {
  it("is JSON with sorted keys, written without a sorted copy", () => {
    const values: unknown[] = [
      { b: 1, a: [{ d: "x", c: null }, 2, 's"q'], e: undefined, é: { z: true, y: [] } },
      [undefined, null, 1.5, { "": 0 }],
      "plain",
      7,
      null,
      {},
    ];
    for (const v of values) expect(canonicalJson(v)).toBe(JSON.stringify(sortKeys(v)));
    expect(canonicalJson(undefined)).toBeUndefined();
  });

  it("a set of one is itself; larger sets are sorted and without repeats", () => {
    const one = { port: 80 };
    expect(asSortedSet([one])).toEqual([one]);
    expect(asSortedSet([{ b: 2 }, { a: 1 }, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
