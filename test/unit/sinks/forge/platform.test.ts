import { describe, expect, it } from "vitest";
import { GitHubPlatform } from "../../../../src/sinks/forge/github/github.js";
import { GitLabPlatform } from "../../../../src/sinks/forge/gitlab/gitlab.js";
import { createPlatform } from "../../../../src/sinks/forge/index.js";
import { truncateMarkdown } from "../../../../src/render/phrases.js";
import { errorKind } from "../../../../src/sinks/forge/platform.js";

// The one Markdown truncator (render/phrases.ts), tested as fitBody was when the forges cut bodies themselves.
const NOTE = "\n\n_…cut to fit the size limit of this forge._\n";
const fitBody = (body: string, limit: { chars: number; bytes?: number }) => truncateMarkdown(body, limit, NOTE);

describe("truncateMarkdown", () => {
  it("leaves a body within the limit alone", () => {
    expect(fitBody("short", { chars: 10 })).toBe("short");
  });

  it("cuts at a line end, says so, and stays within the limit", () => {
    const body = Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n");
    const out = fitBody(body, { chars: 1_000 });
    expect(out.length).toBeLessThanOrEqual(1_000);
    expect(out).toMatch(/line \d+\n\n_…cut to fit the size limit of this forge\._\n$/);
    expect(body.startsWith(out.slice(0, out.indexOf("\n\n_…cut")))).toBe(true);
  });

  it("closes a code fence the cut leaves open, so the note is not swallowed", () => {
    const body = "## a\n\n```diff\n" + "+ x\n".repeat(1_000) + "```\n";
    const out = fitBody(body, { chars: 500 });
    expect(out.length).toBeLessThanOrEqual(500);
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it("counts UTF-8 bytes when asked and never splits a surrogate pair", () => {
    const body = "😀".repeat(1_000);
    const out = fitBody(body, { chars: 10_000, bytes: 1_000 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1_000);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("errorKind", () => {
  it("maps statuses and the absence of a response", () => {
    expect([401, 403, 404, 409, 422, 429, 500, 503].map((s) => errorKind(s))).toEqual([
      "auth",
      "auth",
      "not-found",
      "conflict",
      "invalid",
      "rate-limited",
      "server",
      "server",
    ]);
    expect(errorKind(undefined)).toBe("network");
    expect(errorKind(undefined, true)).toBe("timeout");
  });
});

describe("createPlatform", () => {
  it("builds the configured forge, or none", () => {
    expect(createPlatform(undefined)).toBeUndefined();
    const gh = createPlatform({
      kind: "github",
      repository: "acme/policies",
      token: "t",
      apiUrl: "https://ghe.example/api/v3",
    });
    expect(gh).toBeInstanceOf(GitHubPlatform);
    expect(gh?.name).toBe("github");
    const gl = createPlatform({ kind: "gitlab", project: "group/app", token: "t", host: "https://gitlab.example" });
    expect(gl).toBeInstanceOf(GitLabPlatform);
    expect(gl?.name).toBe("gitlab");
  });

  it("refuses a config without token or with a malformed repository", () => {
    expect(() => createPlatform({ kind: "gitlab", project: 1, token: "" })).toThrow(/token is required/);
    expect(() => createPlatform({ kind: "github", repository: "just-a-name", token: "t" })).toThrow(/owner\/name/);
  });
});
