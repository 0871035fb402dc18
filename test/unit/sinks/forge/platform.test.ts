import { describe, expect, it } from "vitest";
import { GitHubPlatform } from "../../../../src/sinks/forge/github/github.js";
import { GitLabPlatform } from "../../../../src/sinks/forge/gitlab/gitlab.js";
import { createPlatform } from "../../../../src/sinks/forge/index.js";
import { errorKind } from "../../../../src/sinks/forge/platform.js";

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
