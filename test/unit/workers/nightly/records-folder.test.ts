import { describe, expect, it, vi } from "vitest";
import { DESIRED_PATH, driftA, driftB } from "../../../helpers/policy-repo.js";
import { BRANCH, CLUSTER, records, useWorld, type World } from "../../../helpers/nightly-world.js";

// Issue 13: records live outside the desired folder by default (Argo CD and `kubectl apply -R` load every
// .json there); a repo upgraded from the old default keeps its history, read back from the old folder.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world), { checkGitHub: true });

const OLD = `${DESIRED_PATH}/change-records`;

describe("netpol-drift run: where the change records go", () => {
  it("by default nothing under the desired folder is a record", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json"]);
    expect(w.bare.ls(BRANCH, OLD)).toEqual([]);
  });

  it("after the upgrade: the last record in the old default folder is read back, no drift re-announced", async () => {
    expect(await w.run(driftA, { day: 1, env: { NETPOL_DRIFT_RECORDS_DIR: OLD } })).toBe(0);
    expect(w.bare.ls(BRANCH, `${OLD}/${CLUSTER}`).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const [writes, posts] = [w.githubWrites().length, w.slackPosts().length];

    expect(await w.run(driftA, { day: 2 })).toBe(0); // the new default, the same drift
    expect(records(w)).toEqual([]);
    expect(w.githubWrites()).toHaveLength(writes);
    expect(w.slackPosts()).toHaveLength(posts);

    expect(await w.run(driftB, { day: 3 })).toBe(0); // changed: the next record in the new folder, in sequence
    expect(records(w)).toEqual(["0002-20250603T023000Z-changed.json"]);
  });
});
