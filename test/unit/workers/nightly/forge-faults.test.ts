import { describe, expect, it, vi } from "vitest";
import type { Fault } from "../../../helpers/fake-http.js";
import { driftA, driftATouchedAgain } from "../../../helpers/policy-repo.js";
import { deliveryOf, expectOneRecord, useWorld, switchable, type World } from "../../../helpers/nightly-world.js";

// Every test runs the whole nightly job (clone, detect, push) several times against real git.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world));

const FAULTS: [string, Omit<Fault, "match" | "times">][] = [
  ["401", { status: 401, body: { message: "Bad credentials" } }],
  ["404", { status: 404, body: { message: "Not Found" } }],
  [
    "422",
    {
      status: 422,
      body: { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "nope" }] },
    },
  ],
  ["429 with Retry-After", { status: 429, headers: { "retry-after": "1" }, body: { message: "rate limited" } }],
  ["500", { status: 500, body: { message: "boom" } }],
  ["timeout", { hang: true }],
];

describe("netpol-drift run: forge faults never lose the git record", () => {
  for (const [name, fault] of FAULTS) {
    it(`GitHub ${name}`, async () => {
      const heal = switchable((f) => w.github.inject(f), fault);
      const code = await w.run(driftA, { day: 1, ...(fault.hang ? { shortTimeout: { edge: "forge", ms: 800 } } : {}) });
      expectOneRecord(w);
      if (name === "429 with Retry-After") {
        // Retried after the server's wait and still refused (the fault holds): honest failure.
        expect(w.sleeps).toContain(1000);
      }
      expect(code).toBe(2);
      expect(w.github.pulls).toHaveLength(0);
      expect(w.slackPosts()).toHaveLength(1); // Slack does not wait for the forge
      heal();
      expect(await w.run(driftATouchedAgain, { day: 2 })).toBe(0);
      expectOneRecord(w);
      expect(w.github.pulls).toHaveLength(1);
      expect(w.slackPosts()).toHaveLength(1);
      expect(deliveryOf(w, "0001-20250601T023000Z-new.json")).toMatchObject({
        changeRequest: { id: 1 },
        slack: {},
      });
      expect(w.github.violations).toEqual([]);
    });
  }

  it("a single 429 with Retry-After is waited out and the run succeeds", async () => {
    w.github.inject({ status: 429, headers: { "retry-after": "2" }, body: { message: "slow down" } });
    expect(await w.run(driftA)).toBe(0);
    expect(w.sleeps).toContain(2000);
    expect(w.github.pulls).toHaveLength(1);
  });
});
