import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRulesFile, loadRules } from "../../../src/rules/load.js";
import { put, tempTree } from "../../fixtures/temp-tree.js";

const WAIVER = "waivers:\n  - match: {name: web}\n    reason: r\n    owner: o\n    expires: 2027-01-31\n";

describe("the rules file of a desired folder", () => {
  it("is .netpol-drift.yaml at the root of the git repository holding the folder", async () => {
    const root = await tempTree({ "repo/ops/policies/shop/web.yaml": "", "repo/.netpol-drift.yaml": WAIVER });
    execFileSync("git", ["init", "-q", path.join(root, "repo")]);
    expect(await defaultRulesFile(path.join(root, "repo/ops/policies"))).toBe(
      path.join(root, "repo/.netpol-drift.yaml"),
    );
  });

  it("is none when the repository has no such file, or the folder is in no repository", async () => {
    const root = await tempTree({
      "repo/policies/shop/web.yaml": "",
      "loose/policies/shop/web.yaml": "",
      "loose/.netpol-drift.yaml": WAIVER,
    });
    execFileSync("git", ["init", "-q", path.join(root, "repo")]);
    expect(await defaultRulesFile(path.join(root, "repo/policies"))).toBeUndefined();
    expect(await defaultRulesFile(path.join(root, "loose/policies"))).toBeUndefined();
  });

  it("reads a file with its name in every problem, and a missing one is a problem too", async () => {
    const root = await tempTree({});
    await put(root, "rules.yaml", WAIVER.replace("2027-01-31", "2027-13-01"));
    const bad = await loadRules(path.join(root, "rules.yaml"), "rules.yaml");
    expect(bad.problems).toEqual([
      { file: "rules.yaml", line: 5, message: 'waivers[].expires is a date (YYYY-MM-DD), got "2027-13-01"' },
    ]);
    const missing = await loadRules(path.join(root, "nope.yaml"), "nope.yaml");
    expect(missing.problems[0]?.message).toMatch(/^cannot read the rules file: ENOENT/);
    await put(root, "good.yaml", WAIVER);
    expect((await loadRules(path.join(root, "good.yaml"))).rules.waivers).toHaveLength(1);
  });
});
