import { describe, expect, it, vi } from "vitest";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import { git } from "../../../helpers/git-server.js";
import { DESIRED_PATH, driftA, inSync, pgOpened } from "../../../helpers/policy-repo.js";
import { BRANCH, CHANGELOG, recordJson, records, useWorld, type World } from "../../../helpers/nightly-world.js";

// Accept = merge (issue 13) on real git and the GitHub stand-in: the drift branch's commit writes the live state
// into the desired folder; merging it (the base branch fast-forwarded to the drift branch, as a merge does) makes
// the next run in sync; putting the cluster back instead is "reverted in the cluster".
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world), { checkGitHub: true });

const PG = `${DESIRED_PATH}/database/api-to-postgres.yaml`;
const EGRESS = `${DESIRED_PATH}/tenant-acme/mcp-egress.yaml`;

/** What merging the PR does to the base branch here: main moves to the drift branch's tip. */
const merge = (world: World) => git(world.bare.dir, ["update-ref", "refs/heads/main", `refs/heads/${BRANCH}`]);

const lastEntry = (world: World) => {
  const log = world.bare.show(BRANCH, CHANGELOG) ?? "";
  return log.slice(log.lastIndexOf("\n## "));
};

describe("netpol-drift run: accept = merge", () => {
  it("the drift branch holds the live state, the PR says how to revert; merged, the next run is in sync: accepted in #1", async () => {
    expect(await w.run(driftA)).toBe(0);
    const pg = w.bare.show(BRANCH, PG) ?? "";
    expect(pg).toContain("port: 5433");
    expect(pg).toContain("# Postgres side of API -> Postgres"); // edited in place, the comment kept
    expect(w.bare.show("main", PG)).toContain("port: 5432");
    expect(w.bare.show(BRANCH, EGRESS)).toBeUndefined(); // missing live: removed from git
    expect(w.bare.show("main", EGRESS)).toBeDefined();
    const body = w.github.pulls[0]?.body ?? "";
    expect(body).toContain("**Merging accepts:**");
    expect(body).toContain("kubectl apply");
    expect(body).toContain("from the root of a checkout of `main`");
    const first = recordJson(w, records(w)[0] ?? "");
    expect((first.record as { revert?: string[] }).revert).toEqual(
      expect.arrayContaining([expect.stringContaining("kubectl apply")]),
    );

    merge(w);
    expect(await w.run(driftA)).toBe(0);
    expect(records(w).at(-1)).toMatch(/-resolved\.json$/);
    expect(parseChangelog(w.bare.show(BRANCH, CHANGELOG) ?? "").map((e) => e.kind)).toEqual(["new", "resolved"]);
    expect(lastEntry(w)).toContain("accepted in #1 by the merge");
    expect(lastEntry(w)).not.toContain("reverted");
    expect(w.github.comments).toHaveLength(0); // merged, not closed by us

    // And it stays in sync: nothing more.
    const commits = w.bare.log(BRANCH);
    expect(await w.run(driftA)).toBe(0);
    expect(w.bare.log(BRANCH)).toEqual(commits);
  });

  it("the cluster put back instead: resolved, reverted in the cluster, the PR closed", async () => {
    expect(await w.run(driftA)).toBe(0);
    expect(await w.run(inSync)).toBe(0);
    expect(lastEntry(w)).toContain("reverted in the cluster");
    expect(lastEntry(w)).not.toContain("accepted");
    expect(w.github.pulls[0]?.state).toBe("closed");
    expect(w.bare.show("main", PG)).toContain("port: 5432");
  });

  it("a reviewer drops one file from the PR, then merges: exactly that policy still drifts", async () => {
    expect(await w.run(driftA)).toBe(0);
    w.bare.commitFile(BRANCH, PG, w.bare.show("main", PG) ?? "", "keep git's api-to-postgres");
    merge(w);
    expect(await w.run(driftA)).toBe(0);
    const last = records(w).at(-1) ?? "";
    expect(last).toMatch(/-changed\.json$/);
    const drift = recordJson(w, last).drift as { namespace: string; name: string }[];
    expect(drift.map((d) => `${d.namespace}/${d.name}`)).toEqual(["database/api-to-postgres"]);
    expect(w.bare.show("main", EGRESS)).toBeUndefined();
  });

  it("drift that went away in the cluster is no longer accepted: its file goes back to git's version on the branch", async () => {
    expect(await w.run(driftA)).toBe(0);
    expect(w.bare.show(BRANCH, EGRESS)).toBeUndefined();
    // Night 2: mcp-egress is back live, api-to-postgres still opened: changed drift.
    expect(await w.run(pgOpened)).toBe(0);
    expect(records(w).at(-1)).toMatch(/-changed\.json$/);
    expect(w.bare.show(BRANCH, EGRESS)).toBe(w.bare.show("main", EGRESS));
    expect(w.bare.show(BRANCH, PG)).toContain("port: 5433");
  });

  it("NETPOL_DRIFT_ACCEPT_MODE=off and direct mode never touch the desired files", async () => {
    expect(await w.run(driftA, { env: { NETPOL_DRIFT_ACCEPT_MODE: "off" } })).toBe(0);
    expect(w.bare.show(BRANCH, PG)).toContain("port: 5432");
    expect(w.github.pulls[0]?.body).not.toContain("Merging accepts");
    expect(await w.run(driftA, { env: { NETPOL_DRIFT_PUSH: "direct" } })).toBe(0);
    expect(w.bare.show("main", PG)).toContain("port: 5432");
    expect(w.bare.show("main", EGRESS)).toBeDefined();
  });
});
