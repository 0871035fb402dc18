// One nightly-run world per test: a bare policy repo, a GitHub stand-in, a Slack receiver, live captures.

import { rm } from "node:fs/promises";
import { Writable } from "node:stream";
import pino from "pino";
import { loadConfig, type RunConfig } from "../../src/config/index.js";
import { defaultNormalizeOptions } from "../../src/model/types.js";
import { runNightly } from "../../src/workers/nightly/index.js";
import { nightlyExitCode } from "../../src/workers/nightly/job.js";
import { type NightlyDeps, wireNightly } from "../../src/workers/nightly/wire.js";
import { FakeGitHub } from "./fake-github.js";
import { FakeHttpServer, type Fault, type RecordedRequest } from "./fake-http.js";
import { afterEach, beforeEach, expect } from "vitest";
import { parseChangelog } from "../../src/render/nightly/changelog.js";
import { createBareRepo, tempDir, type BareRepo } from "./git-server.js";
import { DESIRED_FIXTURE, DESIRED_PATH, writeLive, type Mutation } from "./policy-repo.js";

export const CLUSTER = "prod-eu";
export const BRANCH = `netpol-drift/${CLUSTER}`;
export const RECORDS = `change-records/${CLUSTER}`;
export const CHANGELOG = `${DESIRED_PATH}/CHANGELOG.md`;

export interface World {
  root: string;
  bare: BareRepo;
  github: FakeGitHub;
  slack: FakeHttpServer;
  sleeps: number[];
  /** Every log line of every run (JSON), to assert nothing secret is printed and to debug failures. */
  logs: string[];
  /** Slack messages received (parsed JSON bodies). */
  slackPosts(): { text: string; blocks: unknown[] }[];
  /** GitHub calls that change something. */
  githubWrites(): RecordedRequest[];
  env(extra?: Record<string, string>): Record<string, string>;
  /** One run at day `day` (the clock) against the capture `live`. */
  run(
    live: Mutation,
    opts?: {
      day?: number;
      env?: Record<string, string>;
      deps?: Partial<NightlyDeps>;
      repoUrl?: string;
      /** A short per-attempt timeout for the one edge a test makes hang; the other keeps 10 s. */
      shortTimeout?: { edge: "forge" | "slack"; ms: number };
    },
  ): Promise<number>;
  close(): Promise<void>;
}

export async function makeWorld(): Promise<World> {
  const root = await tempDir();
  const bare = await createBareRepo(root, { seed: DESIRED_FIXTURE, seedAt: DESIRED_PATH });
  const github = await FakeGitHub.start({ owner: "acme", repo: "policies", branches: ["main", BRANCH] });
  const slack = new FakeHttpServer(() => ({ status: 200, body: "ok" }));
  await slack.start();
  const sleeps: number[] = [];
  const logs: string[] = [];
  const logger = pino(
    { level: "debug", base: undefined },
    new Writable({ write: (chunk, _enc, cb) => void (logs.push(String(chunk)), cb()) }),
  );
  let n = 0;
  const world: World = {
    root,
    bare,
    github,
    slack,
    sleeps,
    logs,
    slackPosts: () => slack.requests.filter((r) => r.method === "POST").map((r) => JSON.parse(r.bodyText)),
    githubWrites: () => github.requests.filter((r) => r.method !== "GET"),
    env: (extra = {}) => ({
      NETPOL_DRIFT_CLUSTER: CLUSTER,
      NETPOL_DRIFT_REPO: bare.fileUrl,
      NETPOL_DRIFT_FORGE: "github",
      NETPOL_DRIFT_FORGE_URL: github.apiUrl,
      NETPOL_DRIFT_FORGE_REPO: "acme/policies",
      NETPOL_DRIFT_FORGE_TOKEN: github.token,
      NETPOL_DRIFT_SLACK_WEBHOOK: `${slack.url}/services/T000/B000/XXXXSECRET`,
      ...extra,
    }),
    async run(live, opts = {}) {
      const file = await writeLive(root, `live-${++n}`, live);
      const config: RunConfig = await loadConfig({
        env: world.env({ ...(opts.repoUrl ? { NETPOL_DRIFT_REPO: opts.repoUrl } : {}), ...opts.env }),
      });
      const now = () => new Date(Date.UTC(2025, 5, opts.day ?? n, 2, 30));
      const deps = wireNightly(config, {
        logger,
        now,
        sources: {
          live: { kind: "file", file },
          scope: { namespaces: [], exclude: [] },
          normalize: defaultNormalizeOptions(),
        },
        edge: {
          forgeTimeoutMs: opts.shortTimeout?.edge === "forge" ? opts.shortTimeout.ms : 10_000,
          slackTimeoutMs: opts.shortTimeout?.edge === "slack" ? opts.shortTimeout.ms : 10_000,
          retries: 1,
          baseDelayMs: 1,
          sleep: async (ms) => void sleeps.push(ms),
        },
        scratchRoot: root,
      });
      return nightlyExitCode((await runNightly(config, { ...deps, ...opts.deps })).outcome);
    },
    async close() {
      await github.close();
      await slack.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return world;
}

/** The record JSON files on a ref, oldest first. */
export function records(w: World, ref = BRANCH): string[] {
  return w.bare.ls(ref, RECORDS).filter((f) => f.endsWith(".json"));
}

export function recordJson(
  w: World,
  name: string,
  ref = BRANCH,
): { record: { kind: string; fingerprint: string; delivery?: Record<string, any> } } & Record<string, any> {
  return JSON.parse(w.bare.show(ref, `${RECORDS}/${name}`) ?? "null");
}

export const NOTES = `refs/notes/netpol-drift/${CLUSTER}`;

/** What the bare repo's delivery note on a record says was delivered ({} when it has no note). */
export function deliveryOf(w: World, name: string, ref = BRANCH): Record<string, any> {
  const blob =
    w.bare.show(ref, `${RECORDS}/${name}`) === undefined ? undefined : w.bare.rev(`${ref}:${RECORDS}/${name}`);
  const note = blob && w.bare.note(NOTES, blob);
  return note === undefined ? {} : JSON.parse(note).delivery;
}

/** A fault that holds until the returned function switches it off. */
export function switchable(inject: (f: Fault) => void, fault: Omit<Fault, "match" | "times">): () => void {
  let on = true;
  inject({ ...fault, times: Infinity, match: () => on });
  return () => void (on = false);
}

/** Exactly one change record and one CHANGELOG entry on the drift branch. */
export function expectOneRecord(w: World): void {
  expect(records(w)).toEqual(["0001-20250601T023000Z-new.json"]);
  expect(parseChangelog(w.bare.show(BRANCH, CHANGELOG) ?? "")).toHaveLength(1);
}

/**
 * A fresh world for every test of the file, closed after it; `set` receives it. With `checkGitHub`, every
 * test also ends with no contract violation recorded by the fake GitHub.
 */
export function useWorld(set: (w: World) => void, opts: { checkGitHub?: boolean } = {}): void {
  let world: World | undefined;
  beforeEach(async () => {
    world = await makeWorld();
    set(world);
  });
  afterEach(async () => {
    if (!world) return;
    if (process.env.DEBUG_RUN) console.log(world.logs.join(""));
    try {
      if (opts.checkGitHub) expect(world.github.violations).toEqual([]);
    } finally {
      await world.close();
    }
  });
}
