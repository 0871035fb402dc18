import { describe, expect, it } from "vitest";
import { GlobError, globMatch, globProblem } from "../../../src/util/glob.js";

describe("globMatch: shell globs over names and label keys", () => {
  it.each([
    ["tenant-*", "tenant-acme", true],
    ["tenant-*", "kube-system", false],
    ["*", "app.kubernetes.io/name", true],
    ["app.kubernetes.io/*", "app.kubernetes.io/name", true],
    ["*.io/name", "app.kubernetes.io/name", true],
    ["*/name", "app.kubernetes.io/name", true],
    ["a.b", "axb", false],
    ["tenant-?", "tenant-a", true],
    ["tenant-?", "tenant-ab", false],
    ["a?b", "a/b", true],
    ["tenant-[ab]", "tenant-b", true],
    ["tenant-[ab]", "tenant-c", false],
    ["tenant-[!a]", "tenant-a", false],
    ["tenant-[!a]", "tenant-b", true],
    ["tenant-[a-c]x", "tenant-bx", true],
    ["tenant-{acme,globex}", "tenant-globex", true],
    ["tenant-{acme,globex}", "tenant-initech", false],
    ["!prod", "!prod", true],
    ["!prod", "staging", false],
    ["x", "X", false],
  ])("%s ~ %s → %s", (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it.each([["tenant-[ab"], ["tenant-{a,b"], ["a(b"], ["[z-a]"], [""]])(
    "%s is reported, not a pattern that matches nothing",
    (pattern) => {
      expect(globProblem(pattern)).toMatch(/\S/);
      expect(() => globMatch(pattern, "tenant-a")).toThrow(GlobError);
    },
  );

  it("names the reason for a bad range", () => {
    expect(globProblem("[z-a]")).toBe("Range out of order in character class");
    expect(globProblem("tenant-*")).toBeUndefined();
  });
});
