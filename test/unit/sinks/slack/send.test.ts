import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Digest } from "../../../../src/model/nightly.js";
import { buildDigestMessage } from "../../../../src/render/nightly/slack.js";
import { createSlackNotifier, SlackError, type SlackOptions } from "../../../../src/sinks/slack/send.js";
import { FakeSlack, WEBHOOK_PATH } from "../../../helpers/fake-slack.js";

const digest: Digest = {
  kind: "new",
  cluster: "prod-eu",
  counts: { desired: 3, live: 3, inSync: 2, missing: 0, unmanaged: 0, modified: 1 },
  namespaces: [
    {
      namespace: "payments",
      items: [
        {
          name: "allow-api",
          state: "modified",
          paths: ["spec.ingress"],
          changedBy: { manager: "kubectl-edit", operation: "Update" },
        },
      ],
    },
  ],
  total: 1,
  prUrl: "https://github.example/acme/policies/pull/1",
  fingerprint: "abc123",
  complete: true,
  generatedAt: "2024-05-01T02:00:00Z",
};
const message = buildDigestMessage(digest);

describe("Slack notifier against the fake incoming webhook", () => {
  let slack: FakeSlack;
  let waits: number[];
  const notifier = (o: Partial<SlackOptions> = {}) =>
    createSlackNotifier({
      webhookUrl: slack.url,
      timeoutMs: 20_000,
      retries: 3,
      sleep: async (ms) => void waits.push(ms),
      ...o,
    });

  beforeEach(async () => {
    slack = await FakeSlack.start();
    waits = [];
  });
  afterEach(async () => {
    expect(slack.violations).toEqual([]);
    await slack.close();
  });

  it("posts one message: JSON with the fallback text and Block Kit blocks", async () => {
    await notifier().send(message);
    expect(slack.requests).toHaveLength(1);
    const req = slack.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.text).toContain("prod-eu");
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain("allow-api");
  });

  it("429 with Retry-After: waits what Slack asked, then posts once", async () => {
    slack.inject({ status: 429, headers: { "retry-after": "3" }, body: "rate_limited" });
    await notifier().send(message);
    expect(waits).toEqual([3_000]);
    expect(slack.requests).toHaveLength(2);
    expect(slack.messages).toHaveLength(1);
  });

  it("429 asking for longer than the cap fails at once as rate-limited", async () => {
    slack.inject({ status: 429, headers: { "retry-after": "900" }, body: "rate_limited" });
    await expect(notifier({ maxRetryAfterMs: 60_000 }).send(message)).rejects.toMatchObject({
      kind: "rate-limited",
      status: 429,
    });
    expect(waits).toEqual([]);
  });

  it("500 is retried with backoff; a persistent one ends in a SlackError after the configured retries", async () => {
    slack.inject({ status: 500, body: "rollup_error" });
    await notifier({ baseDelayMs: 10 }).send(message);
    expect(waits).toEqual([10]);
    expect(slack.messages).toHaveLength(1);

    waits = [];
    slack.inject({ status: 503, body: "service_unavailable", times: Infinity });
    const err = await notifier({ retries: 2, baseDelayMs: 10 })
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackError);
    expect(err).toMatchObject({ kind: "server", status: 503, detail: "service_unavailable", attempts: 3 });
    expect(waits).toEqual([10, 20]);
  });

  it.each([
    [400, "invalid_blocks"],
    [403, "action_prohibited"],
    [404, "no_service"],
    [410, "channel_is_archived"],
  ])(
    "%i %s is final: one attempt, a typed error with Slack's reason and without the webhook URL",
    async (status, reason) => {
      slack.inject({ status, body: reason });
      const err = (await notifier()
        .send(message)
        .catch((e: unknown) => e)) as SlackError;
      expect(err).toBeInstanceOf(SlackError);
      expect(err).toMatchObject({ kind: "rejected", status, detail: reason, attempts: 1 });
      expect(err.message).toBe(`slack incoming webhook POST: HTTP ${status} ${reason}`);
      expect(JSON.stringify({ ...err, m: err.message, s: err.stack })).not.toContain(WEBHOOK_PATH.split("/").at(-1));
      expect(slack.requests).toHaveLength(1);
    },
  );

  it("a webhook URL that does not exist: the fake answers no_service like Slack", async () => {
    const err = await notifier({ webhookUrl: slack.url.replace("fakeWebhookSecret", "wrong") })
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rejected", status: 404, detail: "no_service" });
  });

  it("a server that never answers: gives up after the configured timeout, without posting twice", async () => {
    slack.inject({ hang: true, times: Infinity });
    const err = await notifier({ timeoutMs: 150 })
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackError);
    expect(err).toMatchObject({ kind: "timeout", status: undefined, attempts: 1 });
    expect(slack.requests).toHaveLength(1);
  });

  it("the fake rejects a payload that breaks the contract (so the checks above can fail)", async () => {
    const res = await fetch(slack.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ blocks: [{ type: "header", text: { type: "mrkdwn", text: "x".repeat(200) } }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("invalid_blocks");
    expect(slack.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/fallback text is missing/),
        expect.stringMatching(/must be plain_text/),
        expect.stringMatching(/200 characters, at most 150/),
      ]),
    );
    slack.violations.length = 0;
  });
});
