// The stand-ins must be able to say no: requests that break the documented contracts are recorded as violations.

import { afterEach, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../../helpers/fake-github.js";
import { FakeGitLab } from "../../../helpers/fake-gitlab.js";

describe("fake GitHub checks requests against the OpenAPI description", () => {
  let gh: FakeGitHub;
  afterEach(() => gh.close());

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${gh.apiUrl}${path}`, {
      method,
      headers: { authorization: `token ${gh.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("flags a head filter without owner, which GitHub ignores (and lists every PR)", async () => {
    gh = await FakeGitHub.start({ branches: ["main", "a", "b"] });
    gh.seedPull({ head: "a" });
    gh.seedPull({ head: "b" });
    const res = await call("GET", "/repos/acme/policies/pulls?head=a&state=open");
    expect(((await res.json()) as unknown[]).length).toBe(2);
    expect(gh.violations).toEqual([expect.stringContaining(`without "owner:"`)]);
  });

  it("flags a missing required field, a wrong type, an unknown field and an enum outside the description", async () => {
    gh = await FakeGitHub.start({ branches: ["main", "x"] });
    await call("POST", "/repos/acme/policies/pulls", { head: "x", title: 5, labels: ["a"] });
    await call("GET", "/repos/acme/policies/pulls?state=opened&per_page=lots");
    expect(gh.violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('required field "base" missing'),
        expect.stringContaining("pulls/create body.title: expected string, got number"),
        expect.stringContaining('field "labels" is not in the description'),
        expect.stringMatching(/query state: "opened" not in/),
        expect.stringMatching(/query per_page: "lots" is not an integer/),
      ]),
    );
  });

  it("flags paths and methods GitHub does not have, and calls we should not make", async () => {
    gh = await FakeGitHub.start();
    await call("GET", "/repos/acme/policies/pull-requests");
    await call("DELETE", "/repos/acme/policies/pulls/1");
    await call("GET", "/repos/acme/policies");
    expect(gh.violations).toEqual([
      expect.stringContaining("no such path"),
      expect.stringContaining("has no DELETE operation"),
      expect.stringContaining("repos/get is not a call netpol-drift should make"),
    ]);
  });

  it("refuses bodies over 65,536 characters like GitHub", async () => {
    gh = await FakeGitHub.start({ branches: ["main", "x"] });
    const res = await call("POST", "/repos/acme/policies/pulls", {
      head: "x",
      base: "main",
      title: "t",
      body: "y".repeat(65_537),
    });
    expect(res.status).toBe(422);
    expect(gh.violations).toEqual([expect.stringContaining("exceeds 65536")]);
  });
});

describe("fake GitLab checks requests against the MR API docs", () => {
  let gl: FakeGitLab;
  afterEach(() => gl.close());

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${gl.url}/api/v4${path}`, {
      method,
      headers: { "private-token": gl.token, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("flags an unencoded project path, a misspelt filter and a bad state", async () => {
    gl = await FakeGitLab.start();
    const res = await call("GET", "/projects/platform/security/policies/merge_requests");
    expect(res.status).toBe(404);
    await call("GET", "/projects/platform%2Fsecurity%2Fpolicies/merge_requests?sourceBranch=x&state=open");
    expect(gl.violations).toEqual([
      expect.stringContaining("is the project path URL-encoded?"),
      expect.stringContaining('unknown query parameter "sourceBranch"'),
      expect.stringContaining('state "open" not in'),
    ]);
  });

  it("flags a create without title, an edit without attributes, a note without body", async () => {
    gl = await FakeGitLab.start({ branches: ["main", "x"] });
    gl.seedMr({ sourceBranch: "x" });
    expect(
      (await call("POST", "/projects/42/merge_requests", { source_branch: "x", target_branch: "main" })).status,
    ).toBe(400);
    expect((await call("PUT", "/projects/42/merge_requests/1", {})).status).toBe(400);
    expect((await call("POST", "/projects/42/merge_requests/1/notes", { note: "hi" })).status).toBe(400);
    expect(gl.violations).toEqual([
      "create MR: missing title",
      "edit MR: no attribute given",
      "create note: body is required",
    ]);
  });
});
