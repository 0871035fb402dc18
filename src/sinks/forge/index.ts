// Settings → Platform, and the git credentials each forge wants: everything the nightly run needs to know
// about a forge is in this folder. Nothing here reads the environment.

import type { Logger } from "../../log/logger.js";
import type { RetryPolicy } from "../retry.js";
import type { GitAuth } from "../git/repo.js";
import { GITHUB_GIT_USERNAME, GitHubPlatform } from "./github/github.js";
import { GITLAB_GIT_USERNAME, GitLabPlatform } from "./gitlab/gitlab.js";
import type { Platform } from "./platform.js";

export type { ChangeRequest, ChangeRequestInput, ForgeErrorKind, ForgeLimits, Platform } from "./platform.js";
export { ForgeError } from "./platform.js";

interface Common {
  token: string;
  /** Per-attempt timeout; default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429/5xx; default 3. */
  retries?: number;
  /** Longest Retry-After we wait for; default 60 s. A longer one fails the call at once. */
  maxRetryAfterMs?: number;
}

export type ForgeConfig =
  | (Common & {
      kind: "github";
      /** "owner/name". */
      repository: string;
      /** GitHub Enterprise Server: https://HOST/api/v3. Default https://api.github.com. */
      apiUrl?: string;
    })
  | (Common & {
      kind: "gitlab";
      /** Numeric id or full path "group/sub/project". */
      project: string | number;
      /** Self-managed root URL, e.g. https://gitlab.example.com. Default https://gitlab.com. */
      host?: string;
    });

export interface ForgeDeps {
  logger?: Logger;
  /** Tests pass a recording sleep so waits are seen, not spent. */
  sleep?: RetryPolicy["sleep"];
  /** Base of the backoff when the server gives no Retry-After; default 1 s. */
  baseDelayMs?: number;
}

/** The forge to open PRs/MRs on, or undefined when none is configured (direct-commit mode). */
export function createPlatform(config: ForgeConfig | undefined, deps: ForgeDeps = {}): Platform | undefined {
  if (!config) return undefined;
  if (!config.token) throw new Error(`${config.kind}: a token is required`);
  const retry: Partial<RetryPolicy> = {
    retries: config.retries,
    timeoutMs: config.timeoutMs,
    maxDelayMs: config.maxRetryAfterMs,
    sleep: deps.sleep,
    baseDelayMs: deps.baseDelayMs,
  };
  switch (config.kind) {
    case "github":
      return new GitHubPlatform({
        token: config.token,
        repository: config.repository,
        apiUrl: config.apiUrl,
        retry,
        logger: deps.logger,
      });
    case "gitlab":
      return new GitLabPlatform({
        token: config.token,
        project: config.project,
        host: config.host,
        retry,
        logger: deps.logger,
      });
  }
}

/** The run's forge settings (the shape of the validated configuration's keys). */
export interface ForgeSettings {
  forge: "github" | "gitlab" | "none";
  push: "pr" | "direct";
  forgeUrl?: string;
  forgeRepo?: string;
  forgeToken?: string;
}

/** Per-attempt timeout and retries for tests; production takes the defaults. */
export interface ForgeEdge {
  timeoutMs?: number;
  retries?: number;
}

/** The forge to open change requests on: none in direct mode or without a token and repository. */
export function forgeConfigFor(s: ForgeSettings, edge: ForgeEdge = {}): ForgeConfig | undefined {
  if (s.forge === "none" || s.push === "direct" || !s.forgeToken || !s.forgeRepo) return undefined;
  const common = { token: s.forgeToken, timeoutMs: edge.timeoutMs, retries: edge.retries };
  return s.forge === "github"
    ? { ...common, kind: "github", repository: s.forgeRepo, ...(s.forgeUrl ? { apiUrl: s.forgeUrl } : {}) }
    : { ...common, kind: "gitlab", project: s.forgeRepo, ...(s.forgeUrl ? { host: s.forgeUrl } : {}) };
}

/**
 * The credentials for cloning and pushing over https: the git token (else the forge token) under the
 * username the forge expects. None for ssh or file URLs and for a URL that carries its own credentials.
 */
export function gitAuthFor(s: {
  repo: string;
  forge: ForgeSettings["forge"];
  gitToken?: string;
  forgeToken?: string;
  gitUsername?: string;
}): GitAuth | undefined {
  if (!/^https?:\/\//i.test(s.repo) || /^https?:\/\/[^/]*@/i.test(s.repo)) return undefined;
  const token = s.gitToken ?? s.forgeToken;
  if (!token) return undefined;
  const username =
    s.gitUsername ?? (s.forge === "gitlab" ? GITLAB_GIT_USERNAME : s.forge === "github" ? GITHUB_GIT_USERNAME : "git");
  return { username, token };
}
