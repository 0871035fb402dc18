import path from "node:path";
import { writeFile } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import {
  git,
  holdFirstPush,
  loseRefRaceOnce,
  stageCommit,
  startHttpGitServer,
  waitForFile,
} from "../../../helpers/git-server.js";
import { driftA, driftB } from "../../../helpers/policy-repo.js";
import {
  BRANCH,
  CHANGELOG,
  deliveryOf,
  expectOneRecord,
  records,
  useWorld,
  type World,
} from "../../../helpers/nightly-world.js";

// A push that loses to another push inside the server — the ref moved (or was locked) between the ref
// advertisement and the update — is refused as "[remote rejected] … (failed to update ref)", not as a
// non-fast-forward. It is the same race: fetch, re-apply, push again. The hooks make it happen every time.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world), { checkGitHub: true });

const DIRECT = { NETPOL_DRIFT_PUSH: "direct", NETPOL_DRIFT_FORGE: "none" };

describe("netpol-drift run: a push that loses the ref update to a concurrent push", () => {
  it("over smart HTTP: another commit lands while our push is being received; we fetch, re-apply and push once more", async () => {
    const human = "# Our changelog\n\n- 2025-05-31: tightened egress (human entry)\n";
    const sha = stageCommit(w.bare, w.root, "main", CHANGELOG, human, "human changelog entry");
    await loseRefRaceOnce(w.bare, "refs/heads/main", sha, path.join(w.root, "raced"));
    const server = await startHttpGitServer(w.root);
    try {
      expect(await w.run(driftA, { env: DIRECT, repoUrl: server.url(w.bare.dir) })).toBe(0);
    } finally {
      await server.close();
    }
    const logs = w.logs.join("");
    expect(logs).toContain("push rejected because the remote moved");
    expect(logs).toContain("failed to update ref");
    const log = w.bare.log("main");
    expect(log[0]).toMatch(/^netpol-drift: prod-eu drift detected/);
    expect(log[1]).toBe("human changelog entry");
    const changelog = w.bare.show("main", CHANGELOG) ?? "";
    expect(changelog.startsWith(human)).toBe(true);
    expect(parseChangelog(changelog)).toHaveLength(1);
    expect(records(w, "main")).toHaveLength(1);
    expect(w.slackPosts()).toHaveLength(1);
  });

  it("two runs at once for the same cluster (PR mode, new branch): both exit 0, one record, one PR, one digest", async () => {
    const held = path.join(w.root, "held");
    const release = path.join(w.root, "release");
    await holdFirstPush(w.bare, held, release);
    // Run A's first push waits inside the server, after its pack arrived and before its ref update.
    const first = w.run(driftA, { day: 1 });
    await waitForFile(held);
    // Run B does everything meanwhile: the branch, the PR, the digest, the delivery note.
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    expectOneRecord(w);
    const after = w.bare.log(BRANCH);
    await writeFile(release, "");
    // A's ref update now finds the branch B created: refused; A fetches, sees B's record and has nothing to add.
    expect(await first).toBe(0);
    expect(w.logs.join("")).toMatch(/failed to update ref|reference already exists|cannot lock ref/);
    expectOneRecord(w);
    expect(w.bare.log(BRANCH)).toEqual(after);
    expect(w.github.pulls).toHaveLength(1);
    expect(w.slackPosts()).toHaveLength(1);
  });

  it("two runs at once on an existing branch (direct mode, the drift changed): one 'changed' record, not two", async () => {
    expect(await w.run(driftA, { day: 1, env: DIRECT })).toBe(0);
    const held = path.join(w.root, "held");
    const release = path.join(w.root, "release");
    await holdFirstPush(w.bare, held, release);
    const first = w.run(driftB, { day: 2, env: DIRECT });
    await waitForFile(held);
    expect(await w.run(driftB, { day: 2, env: DIRECT })).toBe(0);
    await writeFile(release, "");
    expect(await first).toBe(0);
    expect(w.logs.join("")).toMatch(/is at [0-9a-f]+ but expected [0-9a-f]+/);
    expect(records(w, "main")).toEqual(["0001-20250601T023000Z-new.json", "0002-20250602T023000Z-changed.json"]);
    expect(parseChangelog(w.bare.show("main", CHANGELOG) ?? "").map((e) => e.kind)).toEqual(["new", "changed"]);
    expect(w.slackPosts()).toHaveLength(2);
    // Never forced, one commit per event: the seed, "detected" and "changed"; deliveries are notes.
    expect(git(w.bare.dir, ["rev-list", "--count", "main"]).trim()).toBe(String(1 + 2));
    expect(deliveryOf(w, "0001-20250601T023000Z-new.json", "main")).toMatchObject({ slack: {} });
    expect(deliveryOf(w, "0002-20250602T023000Z-changed.json", "main")).toMatchObject({ slack: {} });
  });
});
