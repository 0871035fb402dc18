// Gitbeaker's transport swapped for one with our retry policy. Gitbeaker takes a `requesterFn` for this; we keep
// its own option handling (createRequesterFn: snake_case keys, qs query strings, auth headers) and replace only the
// request loop, whose default retries 429/502 ten times with waits under a millisecond, ignores Retry-After and
// retries no other 5xx.

import {
  createRequesterFn,
  type FormattedResponse,
  type RequesterType,
  type ResourceOptions,
  type ResponseBodyTypes,
} from "@gitbeaker/requester-utils";
import type { Logger } from "../../../log/logger.js";
import { attemptDeadline, nextDelay, retryAfterMs, type RetryPolicy } from "../../retry.js";

/** What a failed request left us; never the token, which lives only in the request headers. */
export class GitLabRequestFailed extends Error {
  constructor(
    readonly status: number | undefined,
    readonly timedOut: boolean,
    message: string,
  ) {
    super(message);
    this.name = "GitLabRequestFailed";
  }
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "PATCH", "DELETE"]);

export function createRequester(policy: RetryPolicy, logger?: Logger): (options: ResourceOptions) => RequesterType {
  return createRequesterFn(
    async (_service, requestOptions) => requestOptions,
    (endpoint, options) => send(endpoint, (options ?? {}) as SendOptions, policy, logger),
  );
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  searchParams?: string;
  prefixUrl?: string;
  signal?: AbortSignal;
}

async function send(
  endpoint: string,
  opts: SendOptions,
  policy: RetryPolicy,
  logger?: Logger,
): Promise<FormattedResponse> {
  const method = (opts.method ?? "GET").toUpperCase();
  const base = opts.prefixUrl ? (opts.prefixUrl.endsWith("/") ? opts.prefixUrl : `${opts.prefixUrl}/`) : undefined;
  const url = new URL(endpoint, base);
  url.search = opts.searchParams ?? "";
  for (let attempt = 0; ; attempt++) {
    const deadline = attemptDeadline(policy.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
    let failure: GitLabRequestFailed;
    let wait: number | undefined;
    try {
      const response = await fetch(url, { method, headers: opts.headers, body: opts.body, signal });
      if (response.ok) return await parse(response);
      failure = new GitLabRequestFailed(response.status, false, await errorText(response));
      wait = retryAfterMs(response.headers);
    } catch (err) {
      if (err instanceof GitLabRequestFailed) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const text = deadline.timedOut()
        ? `no response within ${policy.timeoutMs} ms`
        : `no response: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      failure = new GitLabRequestFailed(undefined, deadline.timedOut(), text);
    } finally {
      deadline.clear();
    }
    const delay = nextDelay(
      attempt,
      { status: failure.status, timedOut: deadline.timedOut(), idempotent: IDEMPOTENT.has(method), retryAfterMs: wait },
      policy,
    );
    if (delay === undefined) throw failure;
    logger?.warn(
      { forge: "gitlab", method, endpoint, status: failure.status, attempt: attempt + 1, delayMs: delay },
      "retrying GitLab request",
    );
    await policy.sleep(delay);
  }
}

async function parse(response: Response): Promise<FormattedResponse> {
  const headers = Object.fromEntries(response.headers.entries());
  if (response.status === 204) return { body: null, headers, status: response.status };
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const text = await response.text();
  let body: ResponseBodyTypes = text;
  if (type === "application/json") body = text ? (JSON.parse(text) as ResponseBodyTypes) : {};
  return { body, headers, status: response.status };
}

// GitLab answers errors as {"message": ...} (validation: a string, an array or a field → messages map) or {"error": ...}.
async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const data = JSON.parse(text) as { message?: unknown; error?: unknown; error_description?: unknown };
    const m = data.message ?? data.error_description ?? data.error;
    if (typeof m === "string") return m;
    if (m !== undefined) return JSON.stringify(m).slice(0, 500);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300) || `HTTP ${response.status}`;
}
