// Config → Platform. The run builds ForgeConfig from its own settings; nothing here reads the environment.

import type { Logger } from "../../log/logger.js";
import type { RetryPolicy } from "../retry.js";
import { GitHubPlatform } from "./github/github.js";
import { GitLabPlatform } from "./gitlab/gitlab.js";
import type { Platform } from "./platform.js";

export type { ChangeRequest, ChangeRequestInput, ForgeErrorKind, Platform } from "./platform.js";
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
