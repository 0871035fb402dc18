// Posts the digest to a Slack incoming webhook through @slack/webhook, with our retry policy around it.
// @slack/webhook 8 (fetch-based) has a per-request `timeout` and a p-retry config that retries only 5xx and fails
// 429 at once without exposing Retry-After, so its retries stay off and ours run here; a wrapped fetch reads the
// Retry-After header the library does not surface. Slack answers incoming-webhook posts with 200 "ok", errors with
// a short string body (400 invalid_payload/invalid_blocks/no_text, 403 action_prohibited, 404 no_service or
// channel_not_found, 410 channel_is_archived, 429 with Retry-After, 500 rollup_error).

import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
} from "@slack/webhook";
import type { Logger } from "../../log/logger.js";
import type { SlackMessage } from "../../model/nightly.js";
import { nextDelay, retryAfterMs, retryPolicy, type RetryPolicy } from "../retry.js";
import { errorMessage } from "../../util/errors.js";

export type SlackErrorKind = "rejected" | "rate-limited" | "server" | "timeout" | "network";

/** A failed post. The webhook URL is a secret (it is the credential) and never appears here. */
export class SlackError extends Error {
  constructor(
    readonly kind: SlackErrorKind,
    readonly status: number | undefined,
    /** Slack's error string, e.g. "invalid_blocks", or what happened to the request. */
    readonly detail: string,
    readonly attempts: number,
  ) {
    super(`slack incoming webhook POST: ${status ? `HTTP ${status} ` : ""}${detail}`);
    this.name = "SlackError";
  }
}

export interface SlackOptions {
  webhookUrl: string;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 429 and 5xx; default 3. */
  retries?: number;
  /** Longest Retry-After we wait for; default 60 s. */
  maxRetryAfterMs?: number;
  logger?: Logger;
  /** Tests: a recording sleep, and a small backoff base. */
  sleep?: RetryPolicy["sleep"];
  baseDelayMs?: number;
}

export interface SlackNotifier {
  /** Posts one message, rendered by render/nightly/slack.ts. The caller decides whether it is worth sending. */
  send(message: SlackMessage): Promise<void>;
}

export function createSlackNotifier(opts: SlackOptions): SlackNotifier {
  if (!opts.webhookUrl) throw new Error("slack: a webhook URL is required");
  return { send: (message) => postMessage(message, opts) };
}

export async function postMessage(message: SlackMessage, opts: SlackOptions): Promise<void> {
  const policy = retryPolicy({
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    maxDelayMs: opts.maxRetryAfterMs,
    sleep: opts.sleep,
    baseDelayMs: opts.baseDelayMs,
  });
  let lastRetryAfter: number | undefined;
  const fetchFn: FetchFunction = async (url, init) => {
    const response = await fetch(url, init);
    lastRetryAfter = retryAfterMs(response.headers);
    return response;
  };
  const webhook = new IncomingWebhook(opts.webhookUrl, {
    timeout: policy.timeoutMs,
    retryConfig: { retries: 0 },
    fetch: fetchFn,
  });

  for (let attempt = 0; ; attempt++) {
    lastRetryAfter = undefined;
    let failure: SlackError;
    try {
      await webhook.send({ text: message.text, blocks: message.blocks });
      return;
    } catch (err) {
      failure = toSlackError(err, attempt + 1, policy.timeoutMs, opts.webhookUrl);
    }
    const delay = nextDelay(
      attempt,
      { status: failure.status, timedOut: failure.kind === "timeout", retryAfterMs: lastRetryAfter, idempotent: false },
      policy,
    );
    if (delay === undefined) throw failure;
    opts.logger?.warn(
      { sink: "slack", status: failure.status, attempt: attempt + 1, delayMs: delay },
      "retrying Slack post",
    );
    await policy.sleep(delay);
  }
}

function toSlackError(err: unknown, attempts: number, timeoutMs: number, secretUrl: string): SlackError {
  const e = describe(err, attempts, timeoutMs);
  if (!e.detail.includes(secretUrl)) return e;
  return new SlackError(e.kind, e.status, e.detail.split(secretUrl).join("[webhook URL]"), attempts);
}

function describe(err: unknown, attempts: number, timeoutMs: number): SlackError {
  if (err instanceof IncomingWebhookHTTPError) {
    const status = err.statusCode;
    const kind: SlackErrorKind = status === 429 ? "rate-limited" : status >= 500 ? "server" : "rejected";
    return new SlackError(kind, status, err.body.trim().slice(0, 200) || err.statusMessage || "error", attempts);
  }
  if (err instanceof IncomingWebhookRequestError) {
    const name = err.original.name;
    if (name === "TimeoutError" || name === "AbortError")
      return new SlackError("timeout", undefined, `no response within ${timeoutMs} ms`, attempts);
    const cause = (err.original as { cause?: { code?: string } }).cause;
    // undici's messages name the host at most; the path (the secret part) is never in them.
    return new SlackError("network", undefined, `no response: ${cause?.code ?? err.original.message}`, attempts);
  }
  return new SlackError("network", undefined, errorMessage(err), attempts);
}
