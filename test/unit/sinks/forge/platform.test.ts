import { describe, expect, it } from "vitest";
import { GitHubPlatform } from "../../../../src/sinks/forge/github/github.js";
import { GitLabPlatform } from "../../../../src/sinks/forge/gitlab/gitlab.js";
import { createPlatform, gitAuthFor } from "../../../../src/sinks/forge/index.js";
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

describe("gitAuthFor: the git credentials each forge wants (its folder knows them, not the run)", () => {
  const repo = "https://git.example/acme/policies.git";
  it("the forge's username with the git token, else the forge token; none for ssh, file or a URL with credentials", () => {
    expect(gitAuthFor({ repo, forge: "github", forgeToken: "f" })).toEqual({ username: "x-access-token", token: "f" });
    expect(gitAuthFor({ repo, forge: "gitlab", forgeToken: "f", gitToken: "g" })).toEqual({
      username: "oauth2",
      token: "g",
    });
    expect(gitAuthFor({ repo, forge: "none", gitToken: "g", gitUsername: "bot" })).toEqual({
      username: "bot",
      token: "g",
    });
    expect(gitAuthFor({ repo, forge: "none", gitToken: "g" })).toEqual({ username: "git", token: "g" });
    expect(gitAuthFor({ repo: "git@git.example:acme/p.git", forge: "github", forgeToken: "f" })).toBeUndefined();
    expect(gitAuthFor({ repo: "https://u:t@git.example/p.git", forge: "github", forgeToken: "f" })).toBeUndefined();
    expect(gitAuthFor({ repo, forge: "github" })).toBeUndefined();
  });
});
