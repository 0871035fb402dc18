// Octokit with our retry policy and per-attempt timeout, as a request hook: @octokit/rest 22 ships neither
// (plugin-retry/plugin-throttling are separate packages), and one hook keeps every endpoint method intact.

import { Octokit } from "@octokit/rest";
import type { Logger } from "../../../log/logger.js";
import { attemptDeadline, nextDelay, retryAfterMs, type RetryPolicy } from "../../retry.js";

export interface GitHubClientOptions {
  token: string;
  /** https://api.github.com, or GitHub Enterprise Server's https://HOST/api/v3. */
  baseUrl: string;
  policy: RetryPolicy;
  logger?: Logger;
}

/** What a failed request left us, with the token nowhere in it. */
export interface GitHubFailure {
  status?: number;
  timedOut: boolean;
  message: string;
  /** GitHub's validation errors (422), e.g. [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for o:b." }]. */
  errors: { message?: string; code?: string; field?: string }[];
}

export class GitHubRequestFailed extends Error {
  constructor(readonly failure: GitHubFailure) {
    super(failure.message);
    this.name = "GitHubRequestFailed";
  }
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "PATCH", "DELETE"]);

export function createOctokit(opts: GitHubClientOptions): Octokit {
  const log = opts.logger;
  const octokit = new Octokit({
    auth: opts.token,
    baseUrl: opts.baseUrl.replace(/\/+$/, ""),
    userAgent: "netpol-drift",
    // Octokit warns on deprecations through this; debug/info would only repeat what our hook logs.
    log: {
      debug: () => {},
      info: () => {},
      warn: (msg: string) => log?.warn({ forge: "github" }, msg),
      // request-log reports every failed request here; the caller logs the ForgeError that matters.
      error: (msg: string) => log?.debug({ forge: "github" }, msg),
    },
  });

  octokit.hook.wrap("request", async (request, options) => {
    const method = String(options.method).toUpperCase();
    for (let attempt = 0; ; attempt++) {
      const deadline = attemptDeadline(opts.policy.timeoutMs);
      try {
        // Mutated, not copied: before-after-hook binds this very object into the inner hooks (request-log),
        // which ignore an options argument passed to `request`.
        options.request = { ...options.request, signal: deadline.signal };
        return await request(options);
      } catch (err) {
        const timedOut = deadline.timedOut();
        const failure = describe(err, timedOut, opts.policy.timeoutMs);
        const headers = responseHeaders(err);
        const delay = nextDelay(
          attempt,
          {
            status: failure.status,
            timedOut,
            idempotent: IDEMPOTENT.has(method),
            retryAfterMs: headers ? retryAfterMs(headers) : undefined,
          },
          opts.policy,
        );
        if (delay === undefined) throw new GitHubRequestFailed(failure);
        log?.warn(
          { forge: "github", method, route: options.url, status: failure.status, attempt: attempt + 1, delayMs: delay },
          "retrying GitHub request",
        );
        await opts.policy.sleep(delay);
      } finally {
        deadline.clear();
      }
    }
  });
  return octokit;
}

function responseHeaders(err: unknown): Record<string, string | undefined> | undefined {
  const r = (err as { response?: { headers?: Record<string, string | undefined> } }).response;
  return r?.headers;
}

// Only the status and GitHub's own message survive: RequestError also carries the request (headers, URL), which
// is not ours to log.
function describe(err: unknown, timedOut: boolean, timeoutMs: number): GitHubFailure {
  if (timedOut) return { timedOut, message: `no response within ${timeoutMs} ms`, errors: [] };
  const e = err as { status?: number; response?: { status?: number; data?: unknown }; message?: string };
  const status = e.response?.status;
  if (status === undefined) {
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    return {
      timedOut,
      message: `no response: ${cause?.code ?? cause?.message ?? e.message ?? "request failed"}`,
      errors: [],
    };
  }
  const data = e.response?.data as { message?: unknown; errors?: unknown } | string | undefined;
  const message =
    typeof data === "object" && data && typeof data.message === "string"
      ? data.message
      : typeof data === "string" && data
        ? data.slice(0, 300)
        : `HTTP ${status}`;
  const errors =
    typeof data === "object" && data && Array.isArray(data.errors)
      ? data.errors.filter((x): x is GitHubFailure["errors"][number] => typeof x === "object" && x !== null)
      : [];
  return { status, timedOut, message, errors };
}
