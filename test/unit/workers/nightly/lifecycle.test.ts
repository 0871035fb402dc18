import { describe, expect, it, vi } from "vitest";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import { git } from "../../../helpers/git-server.js";
import { driftA, driftATouchedAgain, driftB, inSync } from "../../../helpers/policy-repo.js";
import {
  BRANCH,
  CHANGELOG,
  CLUSTER,
  useWorld,
  recordJson,
  records,
  RECORDS,
  type World,
  deliveryOf,
  NOTES,
} from "../../../helpers/nightly-world.js";

// Every test runs the whole nightly job (clone, detect, push) several times against real git.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world), { checkGitHub: true });

describe("netpol-drift run: the life of a drift (PR mode, GitHub, Slack)", () => {
  it("records new drift once, stays quiet on the same drift, updates on changed drift, resolves when it goes away", async () => {
    // Night 1: new drift.
    expect(await w.run(driftA)).toBe(0);
    expect(w.bare.branches()).toEqual(["main", BRANCH]);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json"]);
    expect(w.bare.ls(BRANCH, RECORDS)).toContain("0001-20250601T023000Z-new.md");
    const md = w.bare.show(BRANCH, `${RECORDS}/0001-20250601T023000Z-new.md`) ?? "";
    expect(md).toContain("```diff");
    expect(md).toMatch(/-\s+port: 5432\n\+\s+port: 5433/);
    expect(md).toContain("kubectl-edit");
    const log1 = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(parseChangelog(log1)).toEqual([
      { cluster: CLUSTER, kind: "new", fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(log1).toContain("`database/api-to-postgres` modified");
    expect(log1).toContain("(../../../change-records/prod-eu/0001-20250601T023000Z-new.md)");
    expect(w.bare.show("main", CHANGELOG)).toBeUndefined(); // PR mode: main is untouched
    expect(w.github.pulls).toHaveLength(1);
    expect(w.github.pulls[0]).toMatchObject({ state: "open", head: BRANCH, base: "main" });
    expect(w.github.pulls[0]?.body).toContain("0001-20250601T023000Z-new.md");
    expect(w.slackPosts()).toHaveLength(1);
    const first = recordJson(w, "0001-20250601T023000Z-new.json");
    expect(first.record.delivery).toBeUndefined(); // the record file is never rewritten
    expect(deliveryOf(w, "0001-20250601T023000Z-new.json")).toMatchObject({
      changeRequest: { id: 1, url: expect.any(String) },
      slack: { sentAt: "2025-06-01T02:30:00.000Z" },
    });
    expect(first.summary).toMatchObject({ modified: 1, missing: 1 });
    const commits = w.bare.log(BRANCH);
    // One bot commit for the event; what was delivered is in the note, not in a second commit.
    expect(commits).toHaveLength(2);
    expect(commits[0]).toMatch(/Netpol-Drift-Fingerprint: [0-9a-f]{64}/);
    expect(commits[1]).toBe("seed");

    // Night 2: the same drift (objects touched again, later clock): nothing new anywhere.
    const writes = w.githubWrites().length;
    expect(await w.run(driftATouchedAgain)).toBe(0);
    expect(w.bare.log(BRANCH)).toEqual(commits);
    expect(w.githubWrites()).toHaveLength(writes);
    expect(w.slackPosts()).toHaveLength(1);

    // Night 3: the drift changed: a second record and entry, the same PR updated, one more digest.
    expect(await w.run(driftB)).toBe(0);
    expect(records(w)).toEqual(["0001-20250601T023000Z-new.json", "0002-20250603T023000Z-changed.json"]);
    const log3 = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(log3.startsWith(log1)).toBe(true);
    expect(parseChangelog(log3).map((e) => e.kind)).toEqual(["new", "changed"]);
    expect(w.github.pulls).toHaveLength(1);
    expect(w.github.pulls[0]?.body).toContain("debug-allow-all");
    expect(w.slackPosts()).toHaveLength(2);
    expect(JSON.stringify(w.slackPosts()[1])).toContain("debug-allow-all");

    // Night 4: back in sync: a resolution entry on the branch, the PR commented and closed.
    expect(await w.run(inSync)).toBe(0);
    const log4 = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(log4.startsWith(log3)).toBe(true);
    expect(parseChangelog(log4).map((e) => e.kind)).toEqual(["new", "changed", "resolved"]);
    expect(records(w).at(-1)).toBe("0003-20250604T023000Z-resolved.json");
    expect(recordJson(w, "0003-20250604T023000Z-resolved.json").record.kind).toBe("resolved");
    expect(deliveryOf(w, "0003-20250604T023000Z-resolved.json")).toMatchObject({
      changeRequest: { id: 1, closed: true },
    });
    expect(w.bare.log(BRANCH)).toHaveLength(4); // seed + three events
    expect(w.github.pulls[0]?.state).toBe("closed");
    expect(w.github.comments).toHaveLength(1);
    expect(w.github.comments[0]?.body).toContain("resolved");
    expect(w.slackPosts()).toHaveLength(3);
    expect(JSON.stringify(w.slackPosts()[2])).toMatch(/resolved/i);

    // Night 5: still in sync: nothing.
    const after = w.bare.log(BRANCH);
    const writes5 = w.githubWrites().length;
    expect(await w.run(inSync)).toBe(0);
    expect(w.bare.log(BRANCH)).toEqual(after);
    expect(w.githubWrites()).toHaveLength(writes5);
    expect(w.slackPosts()).toHaveLength(3);

    // Night 6: drift is back: a new record and a new PR (the old one is closed), never two open.
    expect(await w.run(driftA)).toBe(0);
    expect(records(w).at(-1)).toBe("0004-20250606T023000Z-new.json");
    expect(w.github.openPulls()).toHaveLength(1);
    expect(w.github.pulls).toHaveLength(2);
  });

  it("a drift too large for a PR body: the body is cut to GitHub's limit, the record keeps everything", async () => {
    const many = (objects: Record<string, any>[]) => [
      ...objects,
      ...Array.from({ length: 120 }, (_, i) => ({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
          name: `debug-${String(i).padStart(3, "0")}`,
          namespace: `team-${i % 40}`,
          labels: { purpose: "x".repeat(60) },
        },
        spec: {
          podSelector: { matchLabels: { app: `app-${i}` } },
          ingress: [{ from: [{ ipBlock: { cidr: `10.${i % 250}.0.0/16` } }] }],
          policyTypes: ["Ingress"],
        },
      })),
    ];
    expect(await w.run(many)).toBe(0);
    const body = w.github.pulls[0]?.body ?? "";
    expect(body.length).toBeGreaterThan(10_000);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/cut to fit/);
    const md = w.bare.show(BRANCH, `${RECORDS}/0001-20250601T023000Z-new.md`) ?? "";
    expect(md).toContain("debug-119");
    expect(md.length).toBeGreaterThan(body.length);
  });

  it("writes nothing at all when the cluster has never drifted", async () => {
    expect(await w.run(inSync)).toBe(0);
    expect(w.bare.branches()).toEqual(["main"]);
    expect(w.github.requests).toHaveLength(0);
    expect(w.slackPosts()).toHaveLength(0);
  });

  it("NETPOL_DRIFT_NOTIFY=always sends a digest every run, never only on change", async () => {
    const env = { NETPOL_DRIFT_NOTIFY: "always" };
    expect(await w.run(inSync, { env })).toBe(0);
    expect(await w.run(driftA, { env })).toBe(0);
    expect(await w.run(driftA, { env })).toBe(0);
    const texts = w.slackPosts().map((p) => p.text);
    expect(texts).toHaveLength(3);
    expect(records(w)).toHaveLength(1);
  });

  it("NETPOL_DRIFT_NOTIFY=never records and opens the PR but sends nothing", async () => {
    expect(await w.run(driftA, { env: { NETPOL_DRIFT_NOTIFY: "never" } })).toBe(0);
    expect(records(w)).toHaveLength(1);
    expect(w.github.pulls).toHaveLength(1);
    expect(w.slackPosts()).toHaveLength(0);
  });
});

describe("netpol-drift run: direct mode makes exactly one commit per event", () => {
  it("new, changed, quiet and resolved nights: one bot commit each on main, deliveries in notes, none owed twice", async () => {
    const env = { NETPOL_DRIFT_PUSH: "direct", NETPOL_DRIFT_FORGE: "none" };
    const seed = w.bare.log("main");
    expect(await w.run(driftA, { env })).toBe(0);
    expect(await w.run(driftATouchedAgain, { env })).toBe(0); // the same drift: no event
    expect(await w.run(driftB, { env })).toBe(0);
    expect(await w.run(inSync, { env })).toBe(0);
    const bot = w.bare.log("main").slice(0, -seed.length);
    expect(bot.map((m) => m.split("\n")[0])).toEqual([
      "netpol-drift: prod-eu drift resolved",
      expect.stringMatching(/^netpol-drift: prod-eu drift changed/),
      expect.stringMatching(/^netpol-drift: prod-eu drift detected/),
    ]);
    expect(w.slackPosts()).toHaveLength(3);
    for (const name of records(w, "main"))
      expect(deliveryOf(w, name, "main")).toEqual({ slack: { sentAt: expect.any(String) } });
    // The delivery state is a notes ref; no branch besides main was made.
    expect(w.bare.branches()).toEqual(["main"]);
    expect(w.bare.rev(NOTES)).toMatch(/^[0-9a-f]{40}$/);
    // A night later, still in sync: nothing written, nothing sent.
    expect(await w.run(inSync, { env })).toBe(0);
    expect(w.bare.log("main").slice(0, -seed.length)).toEqual(bot);
    expect(w.slackPosts()).toHaveLength(3);
  });
});

describe("netpol-drift run: a repo upgraded from delivery commits", () => {
  it("a record whose JSON carries `delivery` (written before the notes) is not delivered again", async () => {
    expect(await w.run(driftA)).toBe(0);
    const name = "0001-20250601T023000Z-new.json";
    const delivered = deliveryOf(w, name);
    // What the old version left behind: no notes ref, the delivery inside the record file.
    git(w.bare.dir, ["update-ref", "-d", NOTES]);
    const json = recordJson(w, name);
    w.bare.commitFile(
      BRANCH,
      `${RECORDS}/${name}`,
      `${JSON.stringify({ ...json, record: { ...json.record, delivery: delivered } }, null, 2)}\n`,
      "netpol-drift: prod-eu record 1 delivered (Slack digest)",
    );
    expect(deliveryOf(w, name)).toEqual({});
    const writes = w.githubWrites().length;
    expect(await w.run(driftATouchedAgain)).toBe(0);
    expect(w.githubWrites()).toHaveLength(writes);
    expect(w.slackPosts()).toHaveLength(1);
    expect(records(w)).toEqual([name]);
  });
});
