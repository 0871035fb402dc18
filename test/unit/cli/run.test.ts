import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandContext } from "../../../src/cli/context.js";
import { main } from "../../../src/cli/main.js";
import { parseChangelog } from "../../../src/render/nightly/changelog.js";
import { FakeGitLab } from "../../helpers/fake-gitlab.js";
import { FakeHttpServer } from "../../helpers/fake-http.js";
import { createBareRepo, tempDir, type BareRepo } from "../../helpers/git-server.js";
import { DESIRED_FIXTURE, DESIRED_PATH, driftA, inSync, writeLive } from "../../helpers/policy-repo.js";

vi.setConfig({ testTimeout: 180_000 });

const WEBHOOK_SECRET = "B0000/ZZZZslacksecretZZZZ";
let root: string, bare: BareRepo, gitlab: FakeGitLab, slack: FakeHttpServer;
beforeEach(async () => {
  root = await tempDir();
  bare = await createBareRepo(root, { seed: DESIRED_FIXTURE, seedAt: DESIRED_PATH });
  gitlab = await FakeGitLab.start({ branches: "any" });
  slack = await new FakeHttpServer(() => ({ status: 200, body: "ok" })).start();
});
afterEach(async () => {
  expect(gitlab.violations).toEqual([]);
  await gitlab.close();
  await slack.close();
  await rm(root, { recursive: true, force: true });
});

function context(
  env: NodeJS.ProcessEnv,
  day: number,
): CommandContext & { out: () => string; err: () => string; logs: () => string } {
  const chunks = { out: "", err: "", logs: "" };
  const sink = (k: keyof typeof chunks) =>
    new Writable({ write: (c, _e, cb) => void ((chunks[k] += String(c)), cb()) });
  return {
    stdout: sink("out"),
    stderr: sink("err"),
    stdin: new PassThrough(),
    stdoutIsTTY: false,
    env,
    makeLogger: (level) => pino({ level: level ?? "info", base: undefined }, sink("logs")),
    now: () => new Date(Date.UTC(2025, 5, day, 2, 30)),
    out: () => chunks.out,
    err: () => chunks.err,
    logs: () => chunks.logs,
  };
}

describe("netpol-drift run (CLI, GitLab, config file + environment)", () => {
  it("new drift → one MR and one digest; same drift → nothing; in sync → resolved and the MR closed", async () => {
    const config = path.join(root, "netpol-drift.yaml");
    await writeFile(
      config,
      `cluster: staging\nrepo: ${bare.fileUrl}\nforge: gitlab\nforgeRepo: ${gitlab.projectPath}\nforgeUrl: ${gitlab.url}\n`,
    );
    // Secrets come from the environment (the CronJob's Secret).
    const env = {
      NETPOL_DRIFT_FORGE_TOKEN: gitlab.token,
      NETPOL_DRIFT_SLACK_WEBHOOK: `${slack.url}/services/T0000/${WEBHOOK_SECRET}`,
    };
    const drift = await writeLive(root, "drift", driftA);
    const sync = await writeLive(root, "sync", inSync);

    const night1 = context(env, 1);
    expect(await main(["run", "--config", config, "--live-file", drift], night1)).toBe(0);
    expect(gitlab.mrs).toHaveLength(1);
    expect(gitlab.mrs[0]).toMatchObject({
      state: "opened",
      sourceBranch: "netpol-drift/staging",
      targetBranch: "main",
    });
    expect(gitlab.mrs[0]?.description).toContain("api-to-postgres");
    expect(slack.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    const branch = "netpol-drift/staging";
    expect(parseChangelog(bare.show(branch, `${DESIRED_PATH}/CHANGELOG.md`) ?? "")).toHaveLength(1);

    const commits = bare.log(branch);
    expect(await main(["run", "--config", config, "--live-file", drift], context(env, 2))).toBe(0);
    expect(bare.log(branch)).toEqual(commits);
    expect(gitlab.mrs).toHaveLength(1);
    expect(slack.requests.filter((r) => r.method === "POST")).toHaveLength(1);

    const night3 = context(env, 3);
    expect(await main(["run", "--config", config, "--live-file", sync], night3)).toBe(0);
    expect(gitlab.mrs[0]?.state).toBe("closed");
    expect(gitlab.notes).toHaveLength(1);
    expect(parseChangelog(bare.show(branch, `${DESIRED_PATH}/CHANGELOG.md`) ?? "").map((e) => e.kind)).toEqual([
      "new",
      "resolved",
    ]);
    expect(slack.requests.filter((r) => r.method === "POST")).toHaveLength(2);

    for (const ctx of [night1, night3]) {
      expect(ctx.logs()).not.toContain(gitlab.token);
      expect(ctx.logs()).not.toContain(WEBHOOK_SECRET);
      expect(ctx.logs()).toContain("change record pushed");
    }
  });

  it("a configuration error names the key and exits 2 before touching anything", async () => {
    const ctx = context(
      { NETPOL_DRIFT_CLUSTER: "staging", NETPOL_DRIFT_REPO: bare.fileUrl, NETPOL_DRIFT_NOTIFY: "loud" },
      1,
    );
    expect(await main(["run", "--live-file", "x.json"], ctx)).toBe(2);
    expect(ctx.err()).toMatch(/netpol-drift run: config: NETPOL_DRIFT_NOTIFY \(environment\)/);
    expect(bare.branches()).toEqual(["main"]);
  });

  it("--desired is refused: the desired state comes from the repo", async () => {
    const ctx = context({ NETPOL_DRIFT_CLUSTER: "staging", NETPOL_DRIFT_REPO: bare.fileUrl }, 1);
    expect(await main(["run", "--desired", "desired", "--live-file", "x.json"], ctx)).toBe(2);
    expect(ctx.err()).toContain("NETPOL_DRIFT_DESIRED_PATH");
  });

  it("an unreachable repo exits 2 with the URL's credentials redacted", async () => {
    const ctx = context(
      { NETPOL_DRIFT_CLUSTER: "staging", NETPOL_DRIFT_REPO: "http://bot:hunter2-secret-pw@127.0.0.1:1/nope.git" },
      1,
    );
    expect(await main(["run", "--live-file", await writeLive(root, "d", driftA)], ctx)).toBe(2);
    expect(ctx.logs()).toContain("nightly run failed");
    expect(ctx.logs()).not.toContain("hunter2-secret-pw");
  });
});
