import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clip, truncateMarkdown } from "../../../../src/render/phrases.js";
import {
  GITLAB_DESCRIPTION_LIMIT,
  GITLAB_TITLE_LIMIT,
  GitLabPlatform,
} from "../../../../src/sinks/forge/gitlab/gitlab.js";
import { ForgeError } from "../../../../src/sinks/forge/platform.js";
import { FakeGitLab } from "../../../helpers/fake-gitlab.js";

const BRANCH = "netpol-drift/prod-eu";

describe("GitLabPlatform against the fake GitLab API", () => {
  let gl: FakeGitLab;
  let waits: number[];

  const platform = (
    o: { token?: string; project?: string | number; timeoutMs?: number; retries?: number; maxDelayMs?: number } = {},
  ) =>
    new GitLabPlatform({
      token: o.token ?? gl.token,
      project: o.project ?? gl.projectPath,
      host: gl.url,
      retry: {
        sleep: async (ms) => void waits.push(ms),
        timeoutMs: o.timeoutMs ?? 20_000,
        retries: o.retries ?? 3,
        maxDelayMs: o.maxDelayMs ?? 60_000,
      },
    });

  beforeEach(async () => {
    gl = await FakeGitLab.start({ branches: ["main", BRANCH] });
    waits = [];
  });
  afterEach(async () => {
    expect(gl.violations).toEqual([]);
    await gl.close();
  });

  it("creates an MR with the project path URL-encoded, and finds it again by source branch", async () => {
    const p = platform();
    expect(await p.findOpen(BRANCH, "main")).toBeUndefined();
    const mr = await p.create({
      sourceBranch: BRANCH,
      targetBranch: "main",
      title: "NetworkPolicy drift: prod-eu",
      body: "## report",
    });
    expect(mr).toEqual({
      id: 1,
      url: "https://gitlab.example/platform/security/policies/-/merge_requests/1",
      state: "open",
      sourceBranch: BRANCH,
      title: "NetworkPolicy drift: prod-eu",
    });

    const list = gl.requests[0]!;
    expect(list.rawPath.split("?")[0]).toBe("/api/v4/projects/platform%2Fsecurity%2Fpolicies/merge_requests");
    expect(list.query.get("source_branch")).toBe(BRANCH);
    expect(list.query.get("state")).toBe("opened");
    const create = gl.requests[1]!;
    expect(create.method).toBe("POST");
    expect(create.body).toEqual({
      source_branch: BRANCH,
      target_branch: "main",
      title: "NetworkPolicy drift: prod-eu",
      description: "## report",
    });
    expect(create.headers["private-token"]).toBe(gl.token);

    expect(await p.findOpen(BRANCH, "main")).toEqual(mr);
  });

  it("accepts a numeric project id", async () => {
    const mr = await platform({ project: gl.projectId }).create({
      sourceBranch: BRANCH,
      targetBranch: "main",
      title: "t",
      body: "b",
    });
    expect(mr.id).toBe(1);
    expect(gl.requests[0]!.rawPath).toBe(`/api/v4/projects/${gl.projectId}/merge_requests`);
  });

  it("finds an open MR on another target (the branch is the key); closed MRs and other branches do not count", async () => {
    gl.branches.add("release");
    gl.seedMr({ sourceBranch: BRANCH, state: "closed" });
    gl.seedMr({ sourceBranch: "netpol-drift/other" });
    const ours = gl.seedMr({ sourceBranch: BRANCH, targetBranch: "release", title: "old" });
    expect(await platform().findOpen(BRANCH, "main")).toMatchObject({ id: ours.iid, title: "old", state: "open" });
  });

  it("updates title and description, comments with a note, and closes with state_event=close", async () => {
    const seeded = gl.seedMr({ sourceBranch: BRANCH, title: "old", description: "old" });
    const p = platform();
    expect(await p.update(seeded.iid, { title: "new", body: "new body" })).toMatchObject({
      id: seeded.iid,
      title: "new",
      state: "open",
    });
    await p.comment(seeded.iid, "Drift resolved; closing.");
    await p.close(seeded.iid);
    expect(gl.mrs[0]).toMatchObject({ title: "new", description: "new body", state: "closed" });
    expect(gl.notes).toEqual([{ id: expect.any(Number), mrIid: seeded.iid, body: "Drift resolved; closing." }]);
    const puts = gl.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.body)).toEqual([{ title: "new", description: "new body" }, { state_event: "close" }]);
    expect(gl.requests.find((r) => r.method === "POST")!.rawPath).toBe(
      `/api/v4/projects/platform%2Fsecurity%2Fpolicies/merge_requests/${seeded.iid}/notes`,
    );
  });

  it("refuses an over-long description (counted in UTF-8 bytes) or title before any request; the renderer fits them (F-D7)", async () => {
    const huge = "## ünïcødé report ✓\n".repeat(60_000);
    expect(Buffer.byteLength(huge)).toBeGreaterThan(GITLAB_DESCRIPTION_LIMIT);
    const p = platform();
    const create = (title: string, body: string) =>
      p.create({ sourceBranch: BRANCH, targetBranch: "main", title, body });
    await expect(create("t", huge)).rejects.toMatchObject({ name: "ForgeError", kind: "invalid" });
    await expect(create("T".repeat(400), "b")).rejects.toMatchObject({ kind: "invalid" });
    expect(gl.requests).toHaveLength(0);
    const fitted = truncateMarkdown(huge, p.limits.body, "\n\n_…cut to fit._\n");
    await create(clip("T".repeat(400), p.limits.title), fitted);
    const mr = gl.mrs[0]!;
    expect(Buffer.byteLength(mr.description)).toBeLessThanOrEqual(GITLAB_DESCRIPTION_LIMIT);
    expect(mr.description).toMatch(/cut to fit/);
    expect(mr.title.length).toBe(GITLAB_TITLE_LIMIT);
  });

  it("on 409 (another open MR for this source branch) updates that MR instead of opening a second", async () => {
    const existing = gl.seedMr({ sourceBranch: BRANCH, title: "old" });
    const mr = await platform().create({ sourceBranch: BRANCH, targetBranch: "main", title: "new", body: "new" });
    expect(mr.id).toBe(existing.iid);
    expect(gl.openMrs(BRANCH)).toHaveLength(1);
    expect(gl.mrs[0]).toMatchObject({ title: "new", description: "new" });
    expect(gl.requests.map((r) => r.method)).toEqual(["POST", "GET", "PUT"]);
  });

  describe("faults", () => {
    it("401: a typed error naming the call, without the token, not retried", async () => {
      const err = await platform({ token: "glpat-wrong-secret" })
        .findOpen(BRANCH, "main")
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForgeError);
      const fe = err as ForgeError;
      expect(fe).toMatchObject({
        forge: "gitlab",
        kind: "auth",
        status: 401,
        call: "MergeRequests.all GET /projects/platform%2Fsecurity%2Fpolicies/merge_requests",
      });
      expect(fe.message).toContain("401 Unauthorized");
      expect(JSON.stringify({ ...fe, message: fe.message, stack: fe.stack })).not.toContain("glpat-wrong-secret");
      expect(gl.requests).toHaveLength(1);
    });

    it("404: project not found, not retried", async () => {
      await expect(platform({ project: "nope/nope" }).comment(1, "x")).rejects.toMatchObject({
        kind: "not-found",
        status: 404,
        detail: "404 Project Not Found",
      });
      expect(gl.requests).toHaveLength(1);
    });

    it("422 (missing target branch) is an invalid-request error, not retried", async () => {
      const err = await platform()
        .create({ sourceBranch: BRANCH, targetBranch: "gone", title: "t", body: "b" })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "invalid", status: 422 });
      expect((err as Error).message).toContain("Branch gone does not exist");
      expect(gl.requests).toHaveLength(1);
    });

    it("429 with Retry-After: waits what the server asked, then succeeds", async () => {
      gl.inject({ status: 429, headers: { "retry-after": "12" }, body: { message: "Retry later" } });
      await platform().create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: "b" });
      expect(waits).toEqual([12_000]);
      expect(gl.openMrs()).toHaveLength(1);
    });

    it("429 asking for longer than the cap fails at once as rate-limited", async () => {
      gl.inject({ status: 429, headers: { "retry-after": "600" }, body: { message: "Retry later" } });
      await expect(platform({ maxDelayMs: 30_000 }).findOpen(BRANCH, "main")).rejects.toMatchObject({
        kind: "rate-limited",
        status: 429,
      });
      expect(waits).toEqual([]);
    });

    it("5xx is retried a bounded number of times", async () => {
      gl.inject({ status: 503, times: 1, body: "upstream down" });
      expect(await platform().findOpen(BRANCH, "main")).toBeUndefined();
      expect(waits).toEqual([1_000]);

      waits = [];
      gl.inject({ status: 500, times: Infinity, body: { message: "500 Internal Server Error" } });
      const before = gl.requests.length;
      await expect(platform({ retries: 2 }).close(1)).rejects.toMatchObject({
        kind: "server",
        status: 500,
        call: "MergeRequests.edit PUT /projects/platform%2Fsecurity%2Fpolicies/merge_requests/1",
      });
      expect(gl.requests.length - before).toBe(3);
      expect(waits).toEqual([1_000, 2_000]);
    });

    it("a server that never answers: gives up after the configured timeout, without retrying", async () => {
      gl.inject({ hang: true, times: Infinity });
      const err = await platform({ timeoutMs: 150 })
        .create({ sourceBranch: BRANCH, targetBranch: "main", title: "t", body: "b" })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForgeError);
      expect(err).toMatchObject({ kind: "timeout", status: undefined });
      expect(gl.requests).toHaveLength(1);
    });
  });
});
