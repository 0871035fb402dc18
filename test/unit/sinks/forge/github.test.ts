import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { truncateMarkdown } from "../../../../src/render/phrases.js";
import { GitHubPlatform, GITHUB_BODY_LIMIT } from "../../../../src/sinks/forge/github/github.js";
import { ForgeError } from "../../../../src/sinks/forge/platform.js";
import { FakeGitHub } from "../../../helpers/fake-github.js";

const BRANCH = "netpol-drift/prod-eu";

describe("GitHubPlatform against the fake GitHub API", () => {
  let gh: FakeGitHub;
  let waits: number[];

  const platform = (overrides: { token?: string; timeoutMs?: number; retries?: number; maxDelayMs?: number } = {}) =>
    new GitHubPlatform({
      token: overrides.token ?? gh.token,
      repository: `${gh.owner}/${gh.repo}`,
      apiUrl: gh.apiUrl,
      retry: {
        sleep: async (ms) => void waits.push(ms),
        timeoutMs: overrides.timeoutMs ?? 20_000,
        retries: overrides.retries ?? 3,
        maxDelayMs: overrides.maxDelayMs ?? 60_000,
      },
    });

  beforeEach(async () => {
    gh = await FakeGitHub.start({ branches: ["main", BRANCH] });
    waits = [];
  });
  afterEach(async () => {
    expect(gh.violations).toEqual([]);
    await gh.close();
  });

  it("creates a PR from the cluster branch into the base, found again by branch on the next run", async () => {
    const p = platform();
    expect(await p.findOpen(BRANCH, "main")).toBeUndefined();
    const pr = await p.create({
      sourceBranch: BRANCH,
      targetBranch: "main",
      title: "NetworkPolicy drift: prod-eu",
      body: "## report",
    });
    expect(pr).toMatchObject({ id: 1, state: "open", sourceBranch: BRANCH, title: "NetworkPolicy drift: prod-eu" });
    expect(pr.url).toBe(`https://github.example/acme/policies/pull/1`);
    expect(gh.pulls).toMatchObject([{ head: BRANCH, base: "main", body: "## report" }]);

    const create = gh.requests.find((r) => r.method === "POST")!;
    expect(create.body).toEqual({
      title: "NetworkPolicy drift: prod-eu",
      head: BRANCH,
      base: "main",
      body: "## report",
    });
    const list = gh.requests.find((r) => r.method === "GET")!;
    expect(list.query.get("head")).toBe(`acme:${BRANCH}`);
    expect(list.query.get("state")).toBe("open");

    expect(await p.findOpen(BRANCH, "main")).toEqual(pr);
  });

  it("finds an open PR on another base (the branch is the key) and ignores closed ones and other branches", async () => {
    gh.branches.add("release");
    gh.seedPull({ head: BRANCH, base: "main", state: "closed" });
    gh.seedPull({ head: "netpol-drift/other", base: "main" });
    const ours = gh.seedPull({ head: BRANCH, base: "release", title: "old" });
    expect(await platform().findOpen(BRANCH, "main")).toMatchObject({ id: ours.number, title: "old" });
  });

  it("updates title and body, comments, and closes", async () => {
    const seeded = gh.seedPull({ head: BRANCH, title: "old", body: "old body" });
    const p = platform();
    const updated = await p.update(seeded.number, { title: "new", body: "new body" });
    expect(updated).toMatchObject({ id: seeded.number, title: "new", state: "open" });
    await p.comment(seeded.number, "Drift resolved; closing.");
    await p.close(seeded.number);
    expect(gh.pulls[0]).toMatchObject({ title: "new", body: "new body", state: "closed" });
    expect(gh.comments).toEqual([
      { id: expect.any(Number), issueNumber: seeded.number, body: "Drift resolved; closing." },
    ]);
    expect(gh.requests.filter((r) => r.method === "PATCH").at(-1)!.body).toEqual({ state: "closed" });
  });

  it("refuses a body over 65,536 characters before any request; the renderer cuts it, once, to `limits.body` (F-D7)", async () => {
    const huge = `## report\n${"x".repeat(80)}\n`.repeat(2_000);
    expect(huge.length).toBeGreaterThan(GITHUB_BODY_LIMIT);
    const p = platform();
    await expect(
      p.create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: huge }),
    ).rejects.toMatchObject({ name: "ForgeError", kind: "invalid" });
    expect(gh.requests).toHaveLength(0);
    const fitted = truncateMarkdown(huge, p.limits.body, "\n\n_…cut to fit._\n");
    const pr = await p.create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: fitted });
    expect(gh.pulls[0]!.body).toBe(fitted);
    expect(fitted.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    await expect(p.update(pr.id, { title: "t", body: huge + huge })).rejects.toMatchObject({ kind: "invalid" });
    expect(gh.pulls[0]!.body).toBe(fitted);
  });

  it("on 422 'A pull request already exists' finds the existing PR and updates it instead of opening a second", async () => {
    const p = platform();
    // Opened by an interrupted earlier run after our lookup: create collides with it.
    const existing = gh.seedPull({ head: BRANCH, title: "old", body: "old" });
    const pr = await p.create({ sourceBranch: BRANCH, targetBranch: "main", title: "new", body: "new" });
    expect(pr.id).toBe(existing.number);
    expect(gh.openPulls(BRANCH)).toHaveLength(1);
    expect(gh.pulls[0]).toMatchObject({ title: "new", body: "new" });
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /repos/acme/policies/pulls",
      "GET /repos/acme/policies/pulls",
      `PATCH /repos/acme/policies/pulls/${existing.number}`,
    ]);
  });

  it("works against GitHub Enterprise Server's /api/v3 base URL", async () => {
    await gh.close();
    gh = await FakeGitHub.start({ prefix: "/api/v3", branches: ["main", BRANCH] });
    const pr = await platform().create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: "b" });
    expect(pr.id).toBe(1);
    expect(gh.requests[0]!.path).toBe("/api/v3/repos/acme/policies/pulls");
  });

  describe("faults", () => {
    it("401: a typed error naming the call, without the token, not retried", async () => {
      const err = await platform({ token: "ghp_wrong_secret_token" })
        .findOpen(BRANCH, "main")
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForgeError);
      const fe = err as ForgeError;
      expect(fe).toMatchObject({
        forge: "github",
        kind: "auth",
        status: 401,
        call: "pulls.list GET /repos/acme/policies/pulls",
      });
      expect(fe.message).toContain("pulls.list");
      expect(fe.message).toContain("Bad credentials");
      expect(JSON.stringify({ ...fe, message: fe.message, stack: fe.stack })).not.toContain("ghp_wrong_secret_token");
      expect(fe.cause).toBeUndefined();
      expect(gh.requests).toHaveLength(1);
    });

    it("404: repository not found, not retried", async () => {
      const p = new GitHubPlatform({
        token: gh.token,
        repository: "acme/nope",
        apiUrl: gh.apiUrl,
        retry: { sleep: async () => {} },
      });
      await expect(
        p.create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: "b" }),
      ).rejects.toMatchObject({ kind: "not-found", status: 404 });
      expect(gh.requests).toHaveLength(1);
    });

    it("422 other than 'already exists' (base branch missing) is an invalid-request error, not retried", async () => {
      const err = await platform()
        .create({ sourceBranch: BRANCH, targetBranch: "no-such-base", title: "t", body: "b" })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "invalid", status: 422 });
      expect((err as Error).message).toMatch(/Validation Failed: base invalid/);
      expect(gh.requests).toHaveLength(1);
    });

    it("429 with Retry-After: waits what the server asked, then succeeds", async () => {
      gh.inject({ status: 429, headers: { "retry-after": "7" }, body: { message: "rate limited" } });
      const pr = await platform().create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: "b" });
      expect(pr.id).toBe(1);
      expect(waits).toEqual([7_000]);
      expect(gh.requests).toHaveLength(2);
      expect(gh.openPulls()).toHaveLength(1);
    });

    it("403 secondary rate limit (x-ratelimit-remaining 0) waits until the reset", async () => {
      const reset = Math.floor(Date.now() / 1000) + 45;
      gh.inject({
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
        body: { message: "API rate limit exceeded" },
      });
      await platform().findOpen(BRANCH, "main");
      expect(waits).toHaveLength(1);
      // Derived from the reset time, not the 1 s backoff; bounded by it.
      expect(waits[0]).toBeGreaterThan(1_000);
      expect(waits[0]).toBeLessThanOrEqual(45_000);
    });

    it("429 asking for longer than the cap fails at once as rate-limited", async () => {
      gh.inject({ status: 429, headers: { "retry-after": "3600" }, body: { message: "slow down" } });
      await expect(platform({ maxDelayMs: 60_000 }).findOpen(BRANCH, "main")).rejects.toMatchObject({
        kind: "rate-limited",
        status: 429,
      });
      expect(waits).toEqual([]);
      expect(gh.requests).toHaveLength(1);
    });

    it("500 is retried with backoff and succeeds; persistent 500 gives up after the configured retries", async () => {
      gh.inject({ status: 500, times: 2 });
      expect(await platform().findOpen(BRANCH, "main")).toBeUndefined();
      expect(gh.requests).toHaveLength(3);
      expect(waits).toEqual([1_000, 2_000]);

      gh.inject({ status: 502, times: Infinity, body: "Bad gateway" });
      waits = [];
      const err = await platform({ retries: 2 })
        .comment(1, "x")
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        kind: "server",
        status: 502,
        call: "issues.createComment POST /repos/acme/policies/issues/1/comments",
      });
      expect(waits).toHaveLength(2);
    });

    it("a server that never answers: gives up after the configured timeout, without retrying", async () => {
      gh.inject({ hang: true, times: Infinity });
      const err = await platform({ timeoutMs: 150 })
        .findOpen(BRANCH, "main")
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForgeError);
      expect(err).toMatchObject({ kind: "timeout", status: undefined });
      expect((err as Error).message).toContain("no response within 150 ms");
      expect(gh.requests).toHaveLength(1);
    });
  });
});
