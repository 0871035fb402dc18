// One retry policy for every SaaS edge (GitHub, GitLab, Slack), so they fail the same way: bounded attempts,
// a server's Retry-After obeyed (up to a cap), 5xx retried a few times, client errors never. The forge and
// webhook clients themselves retry nothing (Octokit core has no retry plugin; @slack/webhook retries 5xx only
// and fails 429 at once; Gitbeaker's own handler retries 429/502 ten times with sub-millisecond waits), so
// each edge runs its requests through this.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Backoff for a retry the server gave no Retry-After for: base × 2^attempt, capped at maxDelayMs. */
  baseDelayMs: number;
  /** Longest wait we accept, from backoff or Retry-After; a longer Retry-After ends the call at once. */
  maxDelayMs: number;
  /** Per attempt; a request still unanswered then is abandoned and not retried. */
  timeoutMs: number;
  /** Injected so tests can see the waits without waiting. */
  sleep: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  retries: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  timeoutMs: 30_000,
  sleep: defaultSleep,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_RETRY_POLICY, ...defined };
}

/** How one attempt ended, as far as retrying cares. */
export interface AttemptOutcome {
  /** HTTP status; absent when no response came. */
  status?: number;
  timedOut?: boolean;
  /** The server's wait, already parsed (see retryAfterMs). */
  retryAfterMs?: number;
  /** GET/PUT/PATCH/DELETE: safe to send again after a lost response. */
  idempotent: boolean;
}

const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Milliseconds to wait before the next attempt, or undefined to stop. `attempt` counts from 0 (the first try).
 * A timeout is final: the caller's configured timeout bounds the whole wait for a silent server.
 */
export function nextDelay(attempt: number, outcome: AttemptOutcome, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.retries || outcome.timedOut) return undefined;
  const { status } = outcome;
  if (status === undefined) {
    // No response (reset, refused): a POST may have landed, so only idempotent calls go again.
    return outcome.idempotent ? backoff(attempt, policy) : undefined;
  }
  // GitHub's secondary rate limit answers 403 with Retry-After; a 403 without one is a permission problem.
  const rateLimited = status === 429 || (status === 403 && outcome.retryAfterMs !== undefined);
  if (!rateLimited && !RETRIED_STATUS.has(status)) return undefined;
  if (outcome.retryAfterMs !== undefined)
    return outcome.retryAfterMs <= policy.maxDelayMs ? outcome.retryAfterMs : undefined;
  return backoff(attempt, policy);
}

function backoff(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
}

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof headers.get === "function") return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The wait a server asked for: Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), else GitHub's
 * x-ratelimit-reset (epoch seconds) when x-ratelimit-remaining is 0. Header names must be lower-case for plain objects.
 */
export function retryAfterMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ra = header(headers, "retry-after")?.trim();
  if (ra) {
    if (/^\d+$/.test(ra)) return Number(ra) * 1000;
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  if (header(headers, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(headers, "x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/** One attempt's deadline: a signal that aborts after `ms`, and whether it was the deadline that fired. */
export function attemptDeadline(ms: number): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort();
  }, ms);
  return { signal: controller.signal, timedOut: () => fired, clear: () => clearTimeout(timer) };
}
