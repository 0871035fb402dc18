import { describe, expect, it, vi } from "vitest";
import type { Fault } from "../../../helpers/fake-http.js";
import { driftA, driftATouchedAgain } from "../../../helpers/policy-repo.js";
import { deliveryOf, expectOneRecord, useWorld, switchable, type World } from "../../../helpers/nightly-world.js";

// Every test runs the whole nightly job (clone, detect, push) several times against real git.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world));

describe("netpol-drift run: Slack faults never lose the git record", () => {
  const SLACK: [string, Omit<Fault, "match" | "times">][] = [
    ["400 invalid_blocks", { status: 400, body: "invalid_blocks" }],
    ["403", { status: 403, body: "action_prohibited" }],
    ["404", { status: 404, body: "no_service" }],
    ["429 with Retry-After", { status: 429, headers: { "retry-after": "1" }, body: "rate_limited" }],
    ["500", { status: 500, body: "rollup_error" }],
    ["timeout", { hang: true }],
  ];
  for (const [name, fault] of SLACK) {
    it(`Slack ${name}`, async () => {
      const heal = switchable((f) => w.slack.inject(f), fault);
      const short = fault.hang ? { shortTimeout: { edge: "slack" as const, ms: 800 } } : {};
      expect(await w.run(driftA, { day: 1, ...short })).toBe(2);
      expectOneRecord(w);
      expect(w.github.pulls).toHaveLength(1);
      expect(w.logs.join("")).not.toContain("XXXXSECRET");
      const posts = () => w.slack.requests.filter((r) => r.method === "POST").length;
      const failedPosts = posts();
      expect(failedPosts).toBeGreaterThan(0);
      if (name.startsWith("429")) expect(w.sleeps).toContain(1000); // Retry-After obeyed before giving up
      heal();
      const writes = w.githubWrites().length;
      expect(await w.run(driftATouchedAgain, { day: 2 })).toBe(0);
      expectOneRecord(w);
      expect(w.githubWrites()).toHaveLength(writes); // the PR was already there: nothing redone
      expect(posts()).toBe(failedPosts + 1); // the missed digest, once
      expect(await w.run(driftATouchedAgain, { day: 3 })).toBe(0);
      expect(posts()).toBe(failedPosts + 1); // then quiet
      expect(deliveryOf(w, "0001-20250601T023000Z-new.json").slack).toEqual({
        sentAt: "2025-06-02T02:30:00.000Z",
      });
    });
  }
});
