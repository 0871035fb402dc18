import { describe, expect, it, vi } from "vitest";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import { pgOpened } from "../../../helpers/policy-repo.js";
import {
  BRANCH,
  CHANGELOG,
  recordJson,
  records,
  RECORDS,
  useWorld,
  type World,
} from "../../../helpers/nightly-world.js";

// Waivers (issue 14) in the nightly run, against real git, the GitHub stand-in and the Slack receiver; the
// clock is the world's (2025-06-<day> 02:30 UTC).
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world), { checkGitHub: true });

const rules = (expires: string) => `waivers:
  - match: {namespace: database, name: api-to-postgres}
    reason: INC-4711 hot fix until the new ingress controller ships
    owner: platform-team
    expires: ${expires}
`;

describe("netpol-drift run: waivers", () => {
  it("an active waiver: exit 0, no record, no PR, no digest; one day past its date: a record and a digest flagged expired", async () => {
    w.bare.commitFile("main", ".netpol-drift.yaml", rules("2025-06-10"), "waive the hot fix");
    expect(await w.run(pgOpened, { day: 10 })).toBe(0);
    expect(w.bare.branches()).toEqual(["main"]);
    expect(w.github.requests).toHaveLength(0);
    expect(w.slackPosts()).toHaveLength(0);

    expect(await w.run(pgOpened, { day: 11 })).toBe(0);
    expect(records(w)).toEqual(["0001-20250611T023000Z-new.json"]);
    const json = recordJson(w, "0001-20250611T023000Z-new.json");
    expect(json.drift).toHaveLength(1);
    expect(json.drift[0].waiverExpired).toMatchObject({ expires: "2025-06-10", owner: "platform-team" });
    const md = w.bare.show(BRANCH, `${RECORDS}/0001-20250611T023000Z-new.md`) ?? "";
    expect(md).toContain("waiver expired on 2025-06-10");
    const log = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(parseChangelog(log).map((e) => e.kind)).toEqual(["new"]);
    expect(log).toContain("waiver expired on 2025-06-10");
    expect(w.github.pulls).toHaveLength(1);
    expect(w.github.pulls[0]?.body).toContain("waiver expired on 2025-06-10");
    expect(w.slackPosts()).toHaveLength(1);
    expect(JSON.stringify(w.slackPosts()[0])).toContain("waiver expired on 2025-06-10");
  });

  it("a recorded drift that is waived since: resolved by the waiver, said so in the CHANGELOG, the record and the PR's closing comment", async () => {
    expect(await w.run(pgOpened, { day: 1 })).toBe(0);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json"]);
    w.bare.commitFile("main", ".netpol-drift.yaml", rules("2025-12-31"), "waive the hot fix");

    expect(await w.run(pgOpened, { day: 2 })).toBe(0);
    expect(records(w).at(-1)).toBe("0002-20250602T023000Z-resolved.json");
    const log = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(parseChangelog(log).map((e) => e.kind)).toEqual(["new", "resolved"]);
    const entry = log.slice(log.lastIndexOf("## "));
    expect(entry).toContain("Resolved by a waiver, not in sync (1)");
    expect(entry).toContain("`database/api-to-postgres` waived until 2025-12-31 by platform-team");
    const md = w.bare.show(BRANCH, `${RECORDS}/0002-20250602T023000Z-resolved.md`) ?? "";
    expect(md).toContain("waived until 2025-12-31 by platform-team");
    expect(w.github.pulls[0]?.state).toBe("closed");
    expect(w.github.comments.at(-1)?.body).toContain("waived until 2025-12-31 by platform-team");

    // Still waived the next night: nothing new.
    const commits = w.bare.log(BRANCH);
    const writes = w.githubWrites().length;
    expect(await w.run(pgOpened, { day: 3 })).toBe(0);
    expect(w.bare.log(BRANCH)).toEqual(commits);
    expect(w.githubWrites()).toHaveLength(writes);
  });
});
