import { execFileSync } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { driftA, driftB } from "../../../helpers/policy-repo.js";
import { BRANCH, useWorld, type World } from "../../../helpers/nightly-world.js";

// `run --dry-run` prints the plan and touches nothing: the bare repo's refs, the fake GitHub and the Slack
// receiver see nothing, on a first run and on one that would record a change.
vi.setConfig({ testTimeout: 180_000 });

let w: World;
useWorld((world) => (w = world), { checkGitHub: true });

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({ write: (c, _e, cb) => void (chunks.push(String(c)), cb()) }),
    text: () => chunks.join(""),
  };
}
const refs = (w: World) => execFileSync("git", ["-C", w.bare.dir, "show-ref"], { encoding: "utf8" });

describe("netpol-drift run --dry-run", () => {
  it("new drift: prints the files it would commit, the PR it would open and the digest; pushes, calls and posts nothing", async () => {
    const before = refs(w);
    const out = sink();
    expect(await w.run(driftA, { deps: { dryRun: out.stream } })).toBe(0);
    expect(out.text()).toMatch(/^DRY-RUN: 2 policies drifted/);
    expect(out.text()).toMatch(/Would commit \(new\): netpol-drift: prod-eu drift detected/);
    expect(out.text()).toMatch(/ change-records\/prod-eu\/0001-\d{8}T\d{6}Z-new\.json \(\d+ bytes\)/);
    expect(out.text()).toMatch(/ops\/k8s\/network-policies\/CHANGELOG\.md \(\d+ bytes\)/);
    expect(out.text()).toContain(`Would open or update the change request ${BRANCH} → main`);
    expect(out.text()).toContain("Would send the new digest (2 policies)");
    expect(refs(w)).toBe(before);
    expect(w.github.requests).toHaveLength(0);
    expect(w.slack.requests).toHaveLength(0);
  });

  it("on top of a recorded drift: plans against the drift branch's tip (a change), still touches nothing", async () => {
    expect(await w.run(driftA, { day: 1 })).toBe(0);
    const [before, calls, posts] = [refs(w), w.github.requests.length, w.slack.requests.length];
    const out = sink();
    expect(await w.run(driftB, { day: 2, deps: { dryRun: out.stream } })).toBe(0);
    expect(out.text()).toMatch(/Would commit \(changed\): .*0002-\d{8}T\d{6}Z-changed\.md/s);
    expect(refs(w)).toBe(before);
    expect(w.github.requests).toHaveLength(calls);
    expect(w.slack.requests).toHaveLength(posts);

    const same = sink();
    expect(await w.run(driftA, { day: 3, deps: { dryRun: same.stream } })).toBe(0);
    expect(same.text()).toContain("Would commit nothing");
    expect(same.text()).toContain("Would send no digest");
  });
});
