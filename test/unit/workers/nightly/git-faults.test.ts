import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../../src/log/logger.js";
import { defaultNormalizeOptions } from "../../../../src/model/types.js";
import { detectFromSources } from "../../../../src/workers/report.js";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import { startHttpGitServer } from "../../../helpers/git-server.js";
import { driftA } from "../../../helpers/policy-repo.js";
import {
  BRANCH,
  CHANGELOG,
  expectOneRecord,
  useWorld,
  records,
  type World,
  deliveryOf,
} from "../../../helpers/nightly-world.js";

// Every test runs the whole nightly job (clone, detect, push) several times against real git.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world));

describe("netpol-drift run: git races and crashes", () => {
  it("push race over smart HTTP: a commit lands after our fetch, just before our push; we fetch and re-apply, never force", async () => {
    const token = "git-token-for-http-0001";
    let raced = false;
    const server = await startHttpGitServer(w.root, { username: "x-access-token", token }, (req) => {
      // The push's ref advertisement: the remote moves right now, after our fetch.
      if (!raced && req.query === "service=git-receive-pack") {
        raced = true;
        w.bare.commitFile(
          "main",
          CHANGELOG,
          "# Our changelog\n\n- 2025-05-31: tightened egress (human entry)\n",
          "human changelog entry",
        );
      }
    });
    try {
      const env = {
        NETPOL_DRIFT_PUSH: "direct",
        NETPOL_DRIFT_GIT_TOKEN: token,
        NETPOL_DRIFT_GIT_USERNAME: "x-access-token",
        NETPOL_DRIFT_FORGE: "none",
      };
      expect(await w.run(driftA, { env, repoUrl: server.url(w.bare.dir) })).toBe(0);
      const log = w.bare.log("main");
      // One commit for the event, on top of the human's; the delivery went into the note.
      expect(log[0]).toMatch(/^netpol-drift: prod-eu drift detected/);
      expect(log[1]).toBe("human changelog entry");
      expect(deliveryOf(w, "0001-20250601T023000Z-new.json", "main")).toMatchObject({ slack: {} });
      const changelog = w.bare.show("main", CHANGELOG) ?? "";
      expect(changelog.startsWith("# Our changelog\n\n- 2025-05-31: tightened egress (human entry)\n")).toBe(true);
      expect(parseChangelog(changelog)).toHaveLength(1);
      expect(records(w, "main")).toHaveLength(1);
      expect(w.logs.join("")).toContain("push rejected because the remote moved");
      expect(server.requests.some((r) => r.authorization?.startsWith("Basic "))).toBe(true);
      expect(w.logs.join("")).not.toContain(token);
      expect(w.github.requests).toHaveLength(0); // direct mode opens nothing
      expect(w.slackPosts()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("the remote moves between clone and fetch (over file://): the record goes on top of the new tip", async () => {
    const code = await w.run(driftA, {
      env: { NETPOL_DRIFT_PUSH: "direct" },
      deps: {
        // The desired state is read from the clone: this runs after the clone, before the branch is synced.
        detect: async (dir) => {
          w.bare.commitFile("main", CHANGELOG, "# Our changelog\n", "human changelog");
          const report = await detectFromSources(
            {
              desired: dir,
              live: { kind: "file", file: `${w.root}/live-1.json` },
              scope: { namespaces: [], exclude: [] },
              normalize: defaultNormalizeOptions(),
              clusterName: "prod-eu",
            },
            { logger: silentLogger(), now: () => new Date("2025-06-01T02:30:00Z") },
          );
          return { report };
        },
      },
    });
    expect(code).toBe(0);
    expect(w.bare.log("main")[1]).toBe("human changelog");
    expect((w.bare.show("main", CHANGELOG) ?? "").startsWith("# Our changelog\n")).toBe(true);
    expect(records(w, "main")).toHaveLength(1);
  });

  it("crash between commit and push: the re-run starts from the remote and writes everything exactly once", async () => {
    await w.bare.hook(
      "pre-receive",
      `#!/bin/sh\nif [ ! -f "${w.root}/crashed" ]; then touch "${w.root}/crashed"; echo "simulated crash" >&2; exit 1; fi\nexit 0\n`,
    );
    expect(await w.run(driftA, { day: 1 })).toBe(2);
    expect(w.bare.branches()).toEqual(["main"]);
    expect(w.github.requests).toHaveLength(0);
    expect(w.slackPosts()).toHaveLength(0);

    expect(await w.run(driftA, { day: 1 })).toBe(0);
    expectOneRecord(w);
    expect(w.github.pulls).toHaveLength(1);
    expect(w.slackPosts()).toHaveLength(1);
  });

  it("crash after the PR and Slack but before the delivery note: the PR is found again (not duplicated); Slack is at-least-once", async () => {
    await w.bare.hook(
      "pre-receive",
      `#!/bin/sh\nwhile read old new ref; do\n  case "$ref" in refs/notes/*) if [ ! -f "${w.root}/crashed" ]; then touch "${w.root}/crashed"; echo "simulated crash" >&2; exit 1; fi;; esac\ndone\nexit 0\n`,
    );
    expect(await w.run(driftA, { day: 1 })).toBe(2);
    expectOneRecord(w);
    expect(w.github.pulls).toHaveLength(1);
    expect(deliveryOf(w, "0001-20250601T023000Z-new.json")).toEqual({});

    expect(await w.run(driftA, { day: 2 })).toBe(0);
    expectOneRecord(w);
    expect(w.github.pulls).toHaveLength(1);
    expect(w.github.openPulls()).toHaveLength(1);
    expect(w.slackPosts()).toHaveLength(2);
    expect(deliveryOf(w, "0001-20250601T023000Z-new.json")).toMatchObject({
      changeRequest: { id: 1 },
      slack: {},
    });
  });

  it("an incomplete report (the live list failed) records nothing and exits 2", async () => {
    expect(await w.run(driftA)).toBe(0);
    const before = w.bare.log(BRANCH);
    const code = await w.run(driftA, {
      deps: {
        detect: (dir) =>
          detectFromSources(
            {
              desired: dir,
              live: { kind: "file", file: `${w.root}/no-such-capture.json` },
              scope: { namespaces: [], exclude: [] },
              normalize: defaultNormalizeOptions(),
            },
            { logger: silentLogger(), now: () => new Date() },
          ).then((report) => ({ report })),
      },
    });
    expect(code).toBe(2);
    expect(w.bare.log(BRANCH)).toEqual(before); // no false "resolved"
    expect(w.github.pulls[0]?.state).toBe("open");
  });
});
