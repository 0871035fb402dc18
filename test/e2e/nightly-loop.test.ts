import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseChangelog } from "../../src/render/nightly/changelog.js";
import { git } from "../helpers/git-server.js";
import { jsonReport } from "./helpers/cli.js";
import {
  CHANGELOG,
  DESIRED_PATH,
  type LoopWorld,
  lastEntry,
  revertBlock,
  runAsPerson,
} from "./helpers/nightly-loop.js";
import { driftedWorld, driftOf, expectClean, firstNight } from "./helpers/nightly-loop-world.js";
import { envtest } from "./helpers/setup.js";

// Issue 13's loop end to end on a real kube-apiserver: drift made by people (kubectl, other field managers),
// `netpol-drift run` as the CronJob runs it (the built CLI, the deploy/ ConfigMap's settings, the deploy/
// ServiceAccount's list-only token) against a bare repo and the forge and Slack stand-ins. Then a person either
// runs the PR's revert commands against the cluster, or merges the PR; the next night says which.

const { env, k } = envtest();

describe.each([
  { forge: "github", prefix: "nlr" },
  { forge: "gitlab", prefix: "nlrg" },
] as const)(
  "nightly loop on $forge, reverted: the PR's commands put the cluster back, the next night says resolved",
  ({ forge, prefix }) => {
    let w: LoopWorld;
    let body = "";
    driftedWorld(prefix, forge, (x) => (w = x));

    it("night 1: the drift is recorded and the PR opened with the revert commands", async () => {
      ({ body } = await firstNight(w, prefix));
    });

    it("the commands, copied from the PR body and run with bash and kubectl from a checkout of main, put the cluster back", async () => {
      const checkout = w.clone("main");
      const ran = await runAsPerson(env, checkout, revertBlock(body));
      expect(ran.kubectl).toBe(path.join(env.bin, "kubectl"));
      expect(ran.stdout).toMatch(/networkpolicy\.networking\.k8s\.io "debug-allow-all" deleted/);
      // The cluster now is git: a report of main's folder finds nothing.
      const report = await w.report(checkout);
      const json = jsonReport(report);
      expect(json.complete).toBe(true);
      expect(json.drift).toEqual([]);
      expect(report.code).toBe(0);
    });

    it("night 2: resolved, reverted in the cluster; the PR closed, not merged; main untouched", async () => {
      expectClean(await w.run());
      const last = w.records().at(-1) ?? "";
      expect(w.records()).toHaveLength(2);
      expect(last).toMatch(/^0002-\d{8}T\d{6}Z-resolved\.json$/);
      expect(w.record(last).record.kind).toBe("resolved");
      expect(parseChangelog(w.bare.show(w.branch, CHANGELOG) ?? "").map((e) => e.kind)).toEqual(["new", "resolved"]);
      const entry = lastEntry(w.bare, w.branch);
      expect(entry).toContain("drift resolved");
      expect(entry).toContain("The 4 drifted policies are back in sync, reverted in the cluster");
      expect(entry).not.toContain("accepted");

      const [pr, ...others] = w.changeRequests();
      expect(others).toEqual([]);
      expect(pr?.state).toBe("closed");
      expect(pr?.comments).toEqual([expect.stringMatching(/is resolved: every recorded policy is back in sync/)]);
      expect(w.slack.messages).toHaveLength(2);
      expect(w.slack.messages[1]?.text).toBe(`NetworkPolicy drift resolved in ${w.cluster}: 21 in sync.`);
      // Reverting never changed git's desired state: main is still the seed.
      const seed = await readFile(
        path.join(w.clone("main"), DESIRED_PATH, `${prefix}-stratmaster/api-to-postgres.yaml`),
        "utf8",
      );
      expect(seed).toContain("port: 5432");
      expect(w.bare.log("main")).toEqual(["seed"]);
    });

    it("night 3: in sync and nothing new to say: no record, no PR, no message", async () => {
      const commits = git(w.bare.dir, ["rev-parse", w.branch]);
      expectClean(await w.run());
      expect(w.records()).toHaveLength(2);
      expect(git(w.bare.dir, ["rev-parse", w.branch])).toBe(commits);
      expect(w.changeRequests()).toHaveLength(1);
      expect(w.slack.messages).toHaveLength(2);
      expect(w.violations()).toEqual([]);
    });

    it("night 4, the port opened again: a new PR whose branch changes only that policy (the old accept is gone)", async () => {
      await k([
        "patch",
        "networkpolicy",
        "api-to-postgres",
        "-n",
        `${prefix}-stratmaster`,
        "--type=json",
        "--field-manager=e2e-port",
        "-p",
        JSON.stringify([{ op: "replace", path: "/spec/egress/0/ports/0/port", value: 5434 }]),
      ]);
      expectClean(await w.run());
      const last = w.records().at(-1) ?? "";
      expect(last).toMatch(/^0003-\d{8}T\d{6}Z-new\.json$/);
      expect(driftOf(w, last)).toEqual([`modified ${prefix}-stratmaster/api-to-postgres`]);
      const changed = git(w.bare.dir, ["diff", "--name-only", "main", w.branch, "--", DESIRED_PATH]).split("\n");
      expect(changed.filter(Boolean)).toEqual([
        CHANGELOG,
        `${DESIRED_PATH}/${prefix}-stratmaster/api-to-postgres.yaml`,
      ]);
      expect(w.bare.show(w.branch, `${DESIRED_PATH}/${prefix}-stratmaster/api-to-postgres.yaml`)).toContain(
        "port: 5434",
      );
      expect(w.changeRequests().map((c) => [c.number, c.state])).toEqual([
        [1, "closed"],
        [2, "open"],
      ]);
      expect(revertBlock(w.changeRequests()[1]?.body ?? "")).toBe((w.record(last).record.revert ?? []).join("\n"));
      expect(w.record(last).record.revert).toHaveLength(1);
      expect(w.violations()).toEqual([]);
    });
  },
);

describe("nightly loop, accepted: merging the PR makes git say what the cluster says", () => {
  const prefix = "nla";
  let w: LoopWorld;
  driftedWorld(prefix, "github", (x) => (w = x));

  it("night 1: the drift branch holds the live state", async () => {
    await firstNight(w, prefix);
    const file = (ns: string, f: string) => `${DESIRED_PATH}/${prefix}-${ns}/${f}`;
    expect(w.bare.show(w.branch, file("stratmaster", "api-to-postgres.yaml"))).toContain("port: 5433");
    expect(w.bare.show("main", file("stratmaster", "api-to-postgres.yaml"))).toContain("port: 5432");
    expect(w.bare.show(w.branch, file("temporal", "api-to-temporal.yaml"))).toBeUndefined();
    expect(w.bare.ls(w.branch, `${DESIRED_PATH}/${prefix}-stratmaster`)).toContain("debug-allow-all.yaml");
  });

  it("night 2, more drift (a default deny opened to all): the record changes, the same PR is updated", async () => {
    await k([
      "patch",
      "networkpolicy",
      "default-deny",
      "-n",
      `${prefix}-tenant-globex`,
      "--type=merge",
      "--field-manager=e2e-allow-all",
      "-p",
      JSON.stringify({ spec: { ingress: [{}] } }),
    ]);
    expectClean(await w.run());
    const last = w.records().at(-1) ?? "";
    expect(last).toMatch(/^0002-\d{8}T\d{6}Z-changed\.json$/);
    expect(driftOf(w, last)).toContain(`modified ${prefix}-tenant-globex/default-deny`);
    expect(w.bare.show(w.branch, `${DESIRED_PATH}/${prefix}-tenant-globex/default-deny.yaml`)).toMatch(
      /ingress:\s*\n\s*- \{\}/,
    );
    const [pr, ...others] = w.changeRequests();
    expect(others).toEqual([]);
    expect(pr?.state).toBe("open");
    const body = pr?.body ?? "";
    expect(revertBlock(body)).toBe((w.record(last).record.revert ?? []).join("\n"));
    // The widening leads the body: before the accept and revert sections.
    const widens = body.indexOf("### Widens traffic (1 namespace)");
    expect(widens).toBeGreaterThan(-1);
    expect(body.indexOf(`#### Namespace \`${prefix}-tenant-globex\``)).toBeGreaterThan(widens);
    expect(body.indexOf(`#### Namespace \`${prefix}-tenant-globex\``)).toBeLessThan(
      body.indexOf("**Merging accepts:**"),
    );
    // Apply leaves a list git does not have to its manager: the patch after it takes the opened ingress away.
    expect(w.record(last).record.revert).toHaveLength(7);
    expect(w.record(last).record.revert).toContainEqual(
      expect.stringMatching(
        new RegExp(`^kubectl patch networkpolicy -n ${prefix}-tenant-globex default-deny .*"ingress":null`),
      ),
    );
  });

  it("a person merges the PR (git merge, push); main's folder then matches the cluster and applies cleanly", async () => {
    const work = w.clone("main");
    const as = ["-c", "user.name=Reviewer", "-c", "user.email=reviewer@example.test"];
    git(work, [...as, "merge", "--no-ff", "-q", "-m", `Merge pull request #1 from ${w.branch}`, `origin/${w.branch}`]);
    git(work, ["push", "-q", "origin", "main"]);
    w.markMerged(1);

    const checkout = w.clone("main");
    const report = await w.report(checkout);
    const json = jsonReport(report);
    expect(json.complete).toBe(true);
    expect(json.drift).toEqual([]);
    expect(report.code).toBe(0);
    // Nothing the run wrote into the desired folder trips a recursive apply of it (records live elsewhere).
    const dryRun = await k(["apply", "--dry-run=server", "-R", "-f", path.join(checkout, DESIRED_PATH)]);
    expect(dryRun).toMatch(/networkpolicy\S*\/debug-allow-all \w+ \(server dry run\)/);
  });

  it("night 3, the cluster unchanged: in sync, accepted in #1 by the merge; the PR left to the forge", async () => {
    expectClean(await w.run());
    const last = w.records().at(-1) ?? "";
    expect(last).toMatch(/^0003-\d{8}T\d{6}Z-resolved\.json$/);
    const entry = lastEntry(w.bare, w.branch);
    expect(entry).toContain("The 5 drifted policies are back in sync, accepted in #1 by the merge");
    expect(entry).not.toContain("reverted");
    const [pr, ...others] = w.changeRequests();
    expect(others).toEqual([]);
    expect(pr?.state).toBe("merged");
    expect(pr?.comments).toEqual([]);
    expect(w.slack.messages.at(-1)?.text).toBe(`NetworkPolicy drift resolved in ${w.cluster}: 21 in sync.`);
    expect(w.violations()).toEqual([]);
  });
});

describe("nightly loop on GitLab, partly each way: one file dropped from the MR and reverted, the rest merged", () => {
  const prefix = "nlg";
  let w: LoopWorld;
  let commands: string[] = [];
  driftedWorld(prefix, "gitlab", (x) => (w = x));

  it("night 1: the MR is opened with the revert commands", async () => {
    ({ commands } = await firstNight(w, prefix));
  });

  it("a reviewer keeps git's api-to-postgres (drops it from the MR, runs its revert command), merges the rest", async () => {
    const pg = `${DESIRED_PATH}/${prefix}-stratmaster/api-to-postgres.yaml`;
    const as = ["-c", "user.name=Reviewer", "-c", "user.email=reviewer@example.test"];
    const review = w.clone(w.branch);
    git(review, ["checkout", "-q", "origin/main", "--", pg]);
    git(review, [...as, "commit", "-q", "-m", "keep git's api-to-postgres"]);
    git(review, ["push", "-q", "origin", w.branch]);
    const work = w.clone("main");
    git(work, [...as, "merge", "--no-ff", "-q", "-m", `Merge branch '${w.branch}' into 'main'`, `origin/${w.branch}`]);
    git(work, ["push", "-q", "origin", "main"]);
    w.markMerged(1);

    const checkout = w.clone("main");
    const mine = commands.filter((c) => c.includes(" -f ") && c.endsWith(`/api-to-postgres.yaml`));
    expect(mine).toHaveLength(1);
    await runAsPerson(env, checkout, mine.join("\n"));
    const json = jsonReport(await w.report(checkout));
    expect(json.complete).toBe(true);
    expect(json.drift).toEqual([]);
  });

  it("night 2: in sync, accepted in !1 by the merge, partly reverted in the cluster; the MR left merged", async () => {
    expectClean(await w.run());
    expect(w.records().at(-1)).toMatch(/^0002-\d{8}T\d{6}Z-resolved\.json$/);
    expect(lastEntry(w.bare, w.branch)).toContain(
      "The 4 drifted policies are back in sync, accepted in !1 by the merge, partly reverted in the cluster",
    );
    const [mr, ...others] = w.changeRequests();
    expect(others).toEqual([]);
    expect(mr?.state).toBe("merged");
    expect(mr?.comments).toEqual([]);
    expect(w.violations()).toEqual([]);
  });
});

describe("nightly loop, a desired file named like shell code: the revert commands pass it to kubectl as a name", () => {
  const prefix = "nlq";
  // Repository content is untrusted: a file name a shell would run if the command did not quote it.
  const hostile = "it's $(touch PWNED) `touch PWNED2` & more.yaml";
  let w: LoopWorld;
  driftedWorld(prefix, "github", (x) => (w = x), { [`${prefix}-stratmaster/api-to-postgres.yaml`]: hostile });

  it("night 1, the commands from the PR run with bash, night 2: resolved; nothing but kubectl ran", async () => {
    expectClean(await w.run());
    const [first] = w.records();
    const commands = w.record(first ?? "").record.revert ?? [];
    const body = w.changeRequests()[0]?.body ?? "";
    expect(revertBlock(body)).toBe(commands.join("\n"));
    expect(commands.filter((c) => c.includes("touch PWNED"))).toHaveLength(1);

    const checkout = w.clone("main");
    await runAsPerson(env, checkout, revertBlock(body));
    expect(existsSync(path.join(checkout, "PWNED"))).toBe(false);
    expect(existsSync(path.join(checkout, "PWNED2"))).toBe(false);
    expect(jsonReport(await w.report(checkout)).drift).toEqual([]);

    expectClean(await w.run());
    expect(w.records().at(-1)).toMatch(/^0002-\d{8}T\d{6}Z-resolved\.json$/);
    expect(lastEntry(w.bare, w.branch)).toContain("The 4 drifted policies are back in sync, reverted in the cluster");
    expect(w.violations()).toEqual([]);
  });
});
