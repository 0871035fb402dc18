import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import { writeFile } from "node:fs/promises";
import { git, holdFirstPush, waitForFile } from "../../../helpers/git-server.js";
import { driftA, driftATouchedAgain, driftB, inSync } from "../../../helpers/policy-repo.js";
import { BRANCH, CHANGELOG, records, useWorld, type World } from "../../../helpers/nightly-world.js";

// PR mode keeps the drift branch mergeable into main without ever forcing: when main moved, main is merged
// into the branch (a merge commit; the CHANGELOG, appended to on both sides, is settled by keeping main's text
// and adding our entries it lacks). The bare repo refuses non-fast-forwards, so a force would fail the run.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld(
  (world) => {
    w = world;
    git(w.bare.dir, ["config", "receive.denyNonFastForwards", "true"]);
    git(w.bare.dir, ["config", "receive.denyDeletes", "true"]);
  },
  { checkGitHub: true },
);

const HUMAN = "# Team changelog\n\n- 2025-06-01: rotated the egress allow-list (a person, on main)\n";
const rev = (ref: string) => git(w.bare.dir, ["rev-parse", ref]).trim();
const isAncestor = (a: string, b: string) => {
  try {
    git(w.bare.dir, ["merge-base", "--is-ancestor", a, b]);
    return true;
  } catch {
    return false;
  }
};
/** `git merge-tree` (no work tree, no side effects): true when BRANCH merges into main without conflict. */
const mergesCleanly = () => {
  try {
    git(w.bare.dir, ["merge-tree", "--write-tree", "--name-only", "main", BRANCH]);
    return true;
  } catch {
    return false;
  }
};
/** More history on main than a shallow clone sees at first. */
function mainMoves(n: number): void {
  const work = path.join(w.root, `main-moves-${Math.random().toString(36).slice(2)}`);
  git(w.root, ["clone", "-q", "--branch", "main", w.bare.dir, work]);
  for (let i = 1; i <= n; i++)
    git(work, [
      "-c",
      "user.name=Someone",
      "-c",
      "user.email=someone@example.test",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      `unrelated ${i}`,
    ]);
  git(work, ["push", "-q", "origin", "main"]);
}
/** Merge the PR as a person would (a merge commit on main), and push main. */
function mergeThePr(): void {
  const work = path.join(w.root, `merge-${Math.random().toString(36).slice(2)}`);
  git(w.root, ["clone", "-q", "--branch", "main", w.bare.dir, work]);
  git(work, ["fetch", "-q", "origin", BRANCH]);
  git(work, [
    "-c",
    "user.name=Reviewer",
    "-c",
    "user.email=r@example.test",
    "merge",
    "-q",
    "--no-ff",
    "--no-edit",
    "FETCH_HEAD",
  ]);
  git(work, ["push", "-q", "origin", "main"]);
}

describe("netpol-drift run: the drift branch stays mergeable when main moves (PR mode)", () => {
  it("main's CHANGELOG edited between two runs: main is merged into the branch, which then merges cleanly, every entry once", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    const night1 = rev(BRANCH);
    w.bare.commitFile("main", CHANGELOG, HUMAN, "a person's changelog entry");
    mainMoves(40); // deeper than the first deepening of the shallow clone
    expect(mergesCleanly()).toBe(false); // the conflict the PR would show

    expect(await w.run(driftB, { day: 2 })).toBe(0);
    expect(isAncestor(night1, BRANCH)).toBe(true); // a fast-forward: nothing of night 1 rewritten
    expect(isAncestor("main", BRANCH)).toBe(true);
    expect(mergesCleanly()).toBe(true);
    const changelog = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(changelog.startsWith(HUMAN)).toBe(true);
    expect(changelog.split(HUMAN)).toHaveLength(2);
    expect(parseChangelog(changelog).map((e) => e.kind)).toEqual(["new", "changed"]);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json", "0002-20250602T023000Z-changed.json"]);
    expect(w.bare.log(BRANCH).some((m) => m.startsWith(`netpol-drift: merge main into ${BRANCH}`))).toBe(true);
    expect(w.logs.join("")).toContain("merged the base branch into the branch");
    expect(w.logs.join("")).toContain("no common ancestor in the shallow clone yet");
    expect(w.github.pulls).toHaveLength(1);

    // A person merges the PR; main moves again; the drift changes once more: only the new entry is added.
    mergeThePr();
    w.bare.commitFile("main", "docs/notes.md", "after the merge\n", "unrelated change on main");
    expect(await w.run(driftA, { day: 3 })).toBe(0);
    expect(isAncestor("main", BRANCH)).toBe(true);
    expect(mergesCleanly()).toBe(true);
    mergeThePr();
    const merged = w.bare.show("main", CHANGELOG) ?? "";
    expect(merged.startsWith(HUMAN)).toBe(true);
    expect(parseChangelog(merged).map((e) => e.kind)).toEqual(["new", "changed", "changed"]);
    expect(records(w, "main")).toHaveLength(3);
  });

  it("the same drift the night after main moved: the merge alone is pushed (no record, no PR update, no digest); the next night pushes nothing", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    const writes = w.githubWrites().length;
    w.bare.commitFile("main", CHANGELOG, HUMAN, "a person's changelog entry");
    expect(mergesCleanly()).toBe(false);

    expect(await w.run(driftATouchedAgain, { day: 2 })).toBe(0);
    expect(w.bare.log(BRANCH)[0]).toMatch(new RegExp(`^netpol-drift: merge main into ${BRANCH}`));
    expect(mergesCleanly()).toBe(true);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json"]);
    expect(parseChangelog(w.bare.show(BRANCH, CHANGELOG) ?? "")).toHaveLength(1);
    expect(w.githubWrites()).toHaveLength(writes);
    expect(w.slackPosts()).toHaveLength(1);

    const after = w.bare.log(BRANCH);
    expect(await w.run(driftATouchedAgain, { day: 3 })).toBe(0);
    expect(w.bare.log(BRANCH)).toEqual(after);
  });

  it("two runs at once after main moved: each merges main, one push loses the race, the other's merge and record stand alone", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    w.bare.commitFile("main", CHANGELOG, HUMAN, "a person's changelog entry");
    const held = path.join(w.root, "held");
    const release = path.join(w.root, "release");
    await holdFirstPush(w.bare, held, release);
    const first = w.run(driftB, { day: 2 });
    await waitForFile(held);
    expect(await w.run(driftB, { day: 2 })).toBe(0);
    const after = w.bare.log(BRANCH);
    await writeFile(release, "");
    expect(await first).toBe(0);
    expect(w.logs.join("")).toContain("failed to update ref");
    expect(w.bare.log(BRANCH)).toEqual(after);
    expect(after.filter((m) => m.startsWith("netpol-drift: merge main"))).toHaveLength(1);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json", "0002-20250602T023000Z-changed.json"]);
    expect(parseChangelog(w.bare.show(BRANCH, CHANGELOG) ?? "").map((e) => e.kind)).toEqual(["new", "changed"]);
    expect(mergesCleanly()).toBe(true);
    expect(w.slackPosts()).toHaveLength(2);
  });

  it("a conflict outside the CHANGELOG is left to a person: the branch is not merged, the record still lands, a warning says so", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    w.bare.commitFile(BRANCH, "docs/notes.md", "written on the drift branch\n", "a person's note on the PR branch");
    w.bare.commitFile("main", "docs/notes.md", "written on main\n", "a person's note on main");
    const before = rev(BRANCH);

    expect(await w.run(driftB, { day: 2 })).toBe(0);
    expect(isAncestor(before, BRANCH)).toBe(true);
    expect(isAncestor("main", BRANCH)).toBe(false);
    expect(records(w)).toHaveLength(2);
    expect(w.bare.show(BRANCH, "docs/notes.md")).toBe("written on the drift branch\n");
    expect(w.logs.join("")).toContain("cannot be merged into the branch automatically");
  });

  it("a resolved drift's branch gets no merge commits when main moves", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    expect(await w.run(inSync, { day: 2 })).toBe(0);
    const after = w.bare.log(BRANCH);
    w.bare.commitFile("main", CHANGELOG, HUMAN, "a person's changelog entry");
    expect(await w.run(inSync, { day: 3 })).toBe(0);
    expect(w.bare.log(BRANCH)).toEqual(after);
  });
});
