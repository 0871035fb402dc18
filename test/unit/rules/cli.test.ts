import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../fixtures/cli-context.js";
import { kubectlList, serverPolicy } from "../../fixtures/server-shaped.js";
import { policyYaml, put, tempTree } from "../../fixtures/temp-tree.js";

// The CLI's clock (test/fixtures/cli-context.ts) reads 2025-06-12T08:00Z.
const stored = { podSelector: {}, policyTypes: ["Ingress"] };

async function setup(rules?: string): Promise<{ root: string; desired: string; capture: string; rules: string }> {
  const root = await tempTree({
    "repo/policies/shop/web.yaml": policyYaml("web"),
    "repo/policies/shop/api.yaml": policyYaml("api"),
  });
  const live = [
    serverPolicy("shop", "web", { ...stored, policyTypes: ["Ingress", "Egress"] }), // modified
    serverPolicy("shop", "api", stored),
    serverPolicy("shop", "operator-cache", stored), // unmanaged, expected
    serverPolicy("shop", "debug", stored), // unmanaged
  ];
  await put(root, "capture.json", JSON.stringify(kubectlList(live)));
  if (rules !== undefined) await put(root, "rules.yaml", rules);
  return {
    root,
    desired: path.join(root, "repo/policies"),
    capture: path.join(root, "capture.json"),
    rules: path.join(root, "rules.yaml"),
  };
}

const waiverFor = (expires: string) =>
  [
    "unmanaged:",
    "  - match: {namespace: shop, name: operator-*}",
    "    reason: created by the cache operator",
    "waivers:",
    "  - match: {namespace: shop, name: web}",
    "    reason: INC-4711 egress opened during the incident",
    "    owner: platform-team",
    `    expires: ${expires}`,
  ].join("\n");

const report = (s: { desired: string; capture: string }, ...more: string[]) =>
  runCli(["report", "--desired", s.desired, "--live-file", s.capture, "-A", ...more]);
const driftOf = (stdout: string) =>
  (JSON.parse(stdout) as { drift: { state: string; name: string }[] }).drift.map((d) => `${d.state} ${d.name}`);

describe("report --rules", () => {
  it("a waiver active today: waived with reason and expiry, counted apart, not drift", async () => {
    const s = await setup(waiverFor("2025-06-12"));
    const json = await report(s, "--rules", s.rules, "-o", "json");
    const out = JSON.parse(json.stdout);
    expect(driftOf(json.stdout)).toEqual(["unmanaged debug"]);
    expect(out.waived).toMatchObject([
      {
        state: "modified",
        name: "web",
        waiver: {
          reason: "INC-4711 egress opened during the incident",
          owner: "platform-team",
          expires: "2025-06-12",
          expiresSoon: true,
        },
      },
    ]);
    expect(out.summary).toMatchObject({ modified: 0, unmanaged: 1, waived: 1, expected: 1 });
    expect(out.rules.expected).toEqual([
      { namespace: "shop", name: "operator-cache", rule: `${s.rules}:2`, reason: "created by the cache operator" },
    ]);
    const text = await report(s, "--rules", s.rules, "--namespace", "shop");
    expect(text.code).toBe(1); // debug is still drift
    expect(text.stdout).toContain("waived (1, not drift):");
    expect(text.stdout).toContain("shop/web  waived until 2025-06-12 (ends within 7 days) by platform-team");
    const md = await report(s, "--rules", s.rules, "-o", "markdown");
    expect(md.stdout).toContain("### Waived (1, not drift)");
  });

  it("with the only drift waived or expected, exits 0", async () => {
    const s = await setup(
      `${waiverFor("2025-06-12")}\n  - {match: {name: debug}, reason: r, owner: o, expires: 2025-07-01}\n`,
    );
    const r = await report(s, "--rules", s.rules);
    expect(r.code).toBe(0);
  });

  it("the same waiver one day past its date: drift again, flagged expired", async () => {
    const s = await setup(waiverFor("2025-06-11"));
    const r = await report(s, "--rules", s.rules, "-o", "json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(driftOf(r.stdout)).toEqual(["unmanaged debug", "modified web"]);
    expect(out.drift[1].waiverExpired).toMatchObject({ expires: "2025-06-11", owner: "platform-team" });
    expect(out.rules.expired).toHaveLength(1);
    const text = await report(s, "--rules", s.rules);
    expect(text.stdout).toContain("waiver expired on 2025-06-11 (platform-team: INC-4711");
  });

  it("a malformed rules file: exit 2, naming file:line", async () => {
    const s = await setup(waiverFor("2025-06-31"));
    const r = await report(s, "--rules", s.rules, "-o", "json");
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.complete).toBe(false);
    expect(out.problems).toEqual([
      { file: s.rules, line: 8, message: 'waivers[].expires is a date (YYYY-MM-DD), got "2025-06-31"' },
    ]);
    const text = await report(s, "--rules", s.rules);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`${s.rules}:8: waivers[].expires is a date`);
  });

  it("a --rules file that does not exist is exit 2, not no rules", async () => {
    const s = await setup();
    const r = await report(s, "--rules", path.join(s.root, "nope.yaml"), "-o", "json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).problems[0].message).toMatch(/cannot read the rules file/);
  });

  it("defaults to .netpol-drift.yaml at the root of the desired folder's repository; --no-rules reads none", async () => {
    const s = await setup();
    execFileSync("git", ["init", "-q", path.join(s.root, "repo")]);
    await put(s.root, "repo/.netpol-drift.yaml", waiverFor("2025-06-12"));
    const found = await report(s, "-o", "json");
    expect(driftOf(found.stdout)).toEqual(["unmanaged debug"]);
    expect(JSON.parse(found.stdout).rules.file).toBe(".netpol-drift.yaml");
    const none = await report(s, "--no-rules", "-o", "json");
    expect(driftOf(none.stdout)).toEqual(["unmanaged debug", "unmanaged operator-cache", "modified web"]);
    expect(JSON.parse(none.stdout).rules).toBeUndefined();
  });

  it("refuses a glob flag that is not a glob", async () => {
    const s = await setup();
    const r = await report(s, "--exclude-namespace", "kube-[");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--exclude-namespace "kube-\[" is not a glob: Missing closing/);
    const both = await report(s, "--rules", s.rules, "--no-rules");
    expect(both.code).toBe(2);
  });
});

describe("check --rules", () => {
  it("lists expired and soon-ending waivers and those matching no policy; a malformed file is exit 2 at file:line", async () => {
    const s = await setup(
      [
        "waivers:",
        "  - {match: {name: web}, reason: old incident, owner: o, expires: 2025-06-11}",
        "  - {match: {name: api}, reason: ends soon, owner: o, expires: 2025-06-15}",
        "  - {match: {name: nothing}, reason: typo, owner: o, expires: 2025-09-01}",
      ].join("\n"),
    );
    const r = await runCli(["check", "--desired", s.desired, "--rules", s.rules]);
    expect(r.stdout).toContain(
      "waiver expired on 2025-06-11 (o: old incident, ../../rules.yaml:2): renew it or remove it",
    );
    expect(r.stdout).toContain("waiver ends 2025-06-15 (within 7 days): ends soon (../../rules.yaml:3, o)");
    expect(r.stdout).toContain("waiver matches no policy of the desired folder: typo (../../rules.yaml:4, o)");
    const json = JSON.parse((await runCli(["check", "--desired", s.desired, "--rules", s.rules, "-o", "json"])).stdout);
    expect(json.waivers.expired.map((w: { expires: string }) => w.expires)).toEqual(["2025-06-11"]);
    // SARIF and JUnit carry the same three findings, at the rules file's lines.
    const sarif = JSON.parse(
      (await runCli(["check", "--desired", s.desired, "--rules", s.rules, "-o", "sarif"])).stdout,
    );
    const results = sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === "waiver");
    expect(
      results.map((x: any) => [
        x.level,
        x.properties.waiver,
        x.locations[0].physicalLocation.artifactLocation.uri,
        x.locations[0].physicalLocation.region.startLine,
      ]),
    ).toEqual([
      ["warning", "expired", expect.stringMatching(/(^|\/)rules\.yaml$/), 2],
      ["note", "ending", expect.stringMatching(/(^|\/)rules\.yaml$/), 3],
      ["note", "unmatched", expect.stringMatching(/(^|\/)rules\.yaml$/), 4],
    ]);
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).not.toContain("..");
    const junit = (await runCli(["check", "--desired", s.desired, "--rules", s.rules, "-o", "junit"])).stdout;
    expect(junit).toContain('<testsuite name="waivers" tests="3" failures="0"');
    expect(junit).toContain('classname="netpol-drift.waiver.expired" name="o: old incident"');
    expect(junit).toContain("renew it or remove it</system-out>");

    await put(s.root, "rules.yaml", "waivers:\n  - {match: {name: web}, reason: r, expires: 2025-07-01}\n");
    const bad = await runCli(["check", "--desired", s.desired, "--rules", s.rules]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("../rules.yaml:2: a waiver needs owner");
  });
});

describe("diff --rules", () => {
  it("checks the head's rules file: malformed is exit 2 at file:line, waivers are listed", async () => {
    const root = await tempTree({ "base/shop/web.yaml": policyYaml("web"), "head/shop/web.yaml": policyYaml("web") });
    await put(root, "rules.yaml", "waivers:\n  - {match: {name: web}, reason: r, owner: o, expires: 2025-06-11}\n");
    const args = ["diff", "--base", path.join(root, "base"), "--head", path.join(root, "head")];
    const ok = await runCli([...args, "--rules", path.join(root, "rules.yaml")]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("rules: waiver expired on 2025-06-11 (o: r, ../rules.yaml:2)");
    const sarif = JSON.parse((await runCli([...args, "--rules", path.join(root, "rules.yaml"), "-o", "sarif"])).stdout);
    const waiver = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "waiver");
    expect(waiver.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: path.join(root, "rules.yaml") },
      region: { startLine: 2 },
    });
    await put(root, "rules.yaml", "waivers:\n  - {match: {name: web}, reason: r, owner: o, expire: 2025-06-11}\n");
    const bad = await runCli([...args, "--rules", path.join(root, "rules.yaml"), "-o", "json"]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).problems[0]).toMatchObject({ side: "head", file: "../rules.yaml", line: 2 });
    expect(JSON.parse(bad.stdout).problems[0].message).toMatch(
      /unknown key "waivers\[\]\.expire" \(did you mean "expires"\?\)/,
    );
  });
});
