import { describe, expect, it } from "vitest";
import { nextDelay, retryAfterMs, retryPolicy } from "../../../../src/sinks/retry.js";

const policy = retryPolicy({ retries: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, sleep: async () => {} });
const now = Date.parse("2024-05-01T00:00:00Z");

describe("retryAfterMs", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs({ "retry-after": "7" }, now)).toBe(7_000);
    expect(retryAfterMs(new Headers({ "Retry-After": "Wed, 01 May 2024 00:00:30 GMT" }), now)).toBe(30_000);
    expect(retryAfterMs({ "retry-after": "Wed, 01 May 2024 00:00:00 GMT" }, now + 5_000)).toBe(0);
  });

  it("falls back to GitHub's x-ratelimit-reset when the budget is spent, and ignores garbage", () => {
    expect(retryAfterMs({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 42) }, now)).toBe(
      42_000,
    );
    expect(
      retryAfterMs({ "x-ratelimit-remaining": "10", "x-ratelimit-reset": String(now / 1000 + 42) }, now),
    ).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
});

describe("nextDelay", () => {
  it("retries 429 and 5xx with exponential backoff, up to the retry count", () => {
    expect([0, 1, 2].map((a) => nextDelay(a, { status: 503, idempotent: false }, policy))).toEqual([
      1_000, 2_000, 4_000,
    ]);
    expect(nextDelay(3, { status: 503, idempotent: false }, policy)).toBeUndefined();
    expect(nextDelay(0, { status: 429, idempotent: false }, policy)).toBe(1_000);
    expect(nextDelay(10, { status: 500, idempotent: true }, retryPolicy({ retries: 20, maxDelayMs: 5_000 }))).toBe(
      5_000,
    );
  });

  it("obeys Retry-After up to the cap, and gives up past it", () => {
    expect(nextDelay(0, { status: 429, retryAfterMs: 12_000, idempotent: false }, policy)).toBe(12_000);
    expect(nextDelay(0, { status: 429, retryAfterMs: 61_000, idempotent: false }, policy)).toBeUndefined();
    expect(nextDelay(0, { status: 403, retryAfterMs: 5_000, idempotent: true }, policy)).toBe(5_000);
  });

  it("never retries client errors, timeouts, or a lost response to a POST", () => {
    for (const status of [400, 401, 403, 404, 409, 410, 422])
      expect(nextDelay(0, { status, idempotent: true }, policy)).toBeUndefined();
    expect(nextDelay(0, { timedOut: true, idempotent: true }, policy)).toBeUndefined();
    expect(nextDelay(0, { idempotent: false }, policy)).toBeUndefined();
    expect(nextDelay(0, { idempotent: true }, policy)).toBe(1_000);
  });
});
