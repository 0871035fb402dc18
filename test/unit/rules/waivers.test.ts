import { describe, expect, it } from "vitest";
import { compare } from "../../../src/compare/compare.js";
import { applyWaivers, waiverClock } from "../../../src/compare/waivers.js";
import type { NormalizedPolicy, PolicyKey } from "../../../src/model/types.js";
import { parseRules } from "../../../src/rules/parse.js";
import { desiredAt443, liveAt } from "./helpers.js";

const desired = desiredAt443;
const live = liveAt;

const RULES = `
unmanaged:
  - match: {namespace: netpol-drift, name: netpol-drift-egress}
    reason: the tool's own deploy/ policy
  - match: {manager: istiod}
waivers:
  - match: {namespace: tenant-acme, name: default-deny}
    reason: INC-4711 hot fix until the new ingress controller ships
    owner: platform-team
    expires: 2027-01-31
  - match: {namespace: tenant-globex, name: "*"}
    reason: migration
    owner: team-globex
    expires: 2026-12-05
  - match: {namespace: tenant-initech, name: gone}
    reason: stale
    owner: team-initech
    expires: 2027-06-30
`;

const D = [desired("tenant-acme", "default-deny"), desired("tenant-acme", "web"), desired("tenant-globex", "api")];
const L = [
  live("tenant-acme", "default-deny", 8080),
  live("tenant-acme", "web", 8080),
  live("tenant-globex", "api", 8443),
  live("netpol-drift", "netpol-drift-egress"),
  live("netpol-drift", "debug"),
  live("tenant-acme", "mesh-sidecar", 443, "istiod"),
  live("kube-system", "calico-default"),
];

function run(now: string, rulesYaml = RULES, d: NormalizedPolicy[] = D, l: NormalizedPolicy[] = L) {
  const { rules, problems } = parseRules(rulesYaml, ".netpol-drift.yaml");
  expect(problems).toEqual([]);
  const byKey = (ps: NormalizedPolicy[]) => new Map(ps.map((p) => [`${p.namespace}/${p.name}`, p]));
  const [dk, lk] = [byKey(d), byKey(l)];
  const key = (k: PolicyKey) => `${k.namespace}/${k.name}`;
  return applyWaivers({
    drift: compare(d, l, []).drift,
    rules,
    now: new Date(now),
    sides: (k) => ({ desired: dk.get(key(k)), live: lk.get(key(k)) }),
    desiredNamespaces: new Set(d.map((p) => p.namespace)),
  });
}
const names = (items: { state?: string; namespace: string; name: string }[]) =>
  items.map((i) => `${i.namespace}/${i.name}`);

describe("waivers and the unmanaged allow-list", () => {
  it("an allow-list entry silences one live-only policy and not its neighbour", () => {
    const { drift, outcome } = run("2026-12-01T12:00:00Z");
    expect(outcome.expected).toEqual([
      {
        namespace: "netpol-drift",
        name: "netpol-drift-egress",
        rule: ".netpol-drift.yaml:3",
        reason: "the tool's own deploy/ policy",
      },
      { namespace: "tenant-acme", name: "mesh-sidecar", rule: ".netpol-drift.yaml:5" },
    ]);
    expect(names(drift.filter((i) => i.state === "unmanaged"))).toEqual([
      "kube-system/calico-default",
      "netpol-drift/debug",
    ]);
  });

  it("a waiver active today turns the drift into waived, with its reason and expiry", () => {
    const { drift, outcome } = run("2026-12-01T12:00:00Z");
    expect(names(outcome.waived)).toEqual(["tenant-acme/default-deny", "tenant-globex/api"]);
    expect(outcome.waived[0]?.waiver).toEqual({
      rule: ".netpol-drift.yaml:7",
      reason: "INC-4711 hot fix until the new ingress controller ships",
      owner: "platform-team",
      expires: "2027-01-31",
    });
    expect(outcome.waived[0]?.changes).toEqual([{ path: "spec.ingress[0].ports[0].port", desired: 443, live: 8080 }]);
    expect(names(drift)).toEqual(["kube-system/calico-default", "netpol-drift/debug", "tenant-acme/web"]);
    expect(drift.some((i) => i.waiverExpired)).toBe(false);
  });

  it("lists a waiver that ends within 7 days, and one that matches nothing", () => {
    const { outcome } = run("2026-12-01T12:00:00Z");
    expect(outcome.waived[1]?.waiver.expiresSoon).toBe(true);
    expect(outcome.waived[0]?.waiver.expiresSoon).toBeUndefined();
    expect(outcome.expiringSoon.map((w) => w.rule)).toEqual([".netpol-drift.yaml:11"]);
    expect(outcome.unmatched.map((w) => w.rule)).toEqual([".netpol-drift.yaml:15"]);
    expect(outcome.expired).toEqual([]);
  });

  it("holds on the last day and not one day past it: then it is drift again, flagged expired", () => {
    expect(names(run("2027-01-31T23:59:59Z").outcome.waived)).toEqual(["tenant-acme/default-deny"]);
    const { drift, outcome } = run("2027-02-01T00:00:00Z");
    expect(outcome.waived).toEqual([]);
    const flagged = drift.find((i) => i.name === "default-deny");
    expect(flagged?.state).toBe("modified");
    expect(flagged?.waiverExpired).toEqual({
      rule: ".netpol-drift.yaml:7",
      reason: "INC-4711 hot fix until the new ingress controller ships",
      owner: "platform-team",
      expires: "2027-01-31",
    });
    expect(outcome.expired.map((w) => w.expires)).toEqual(["2027-01-31", "2026-12-05"]);
    expect(drift.find((i) => i.name === "web")?.waiverExpired).toBeUndefined();
  });

  it("reports unmanaged only in namespaces the desired folder manages, when asked", () => {
    const { drift, outcome } = run("2026-12-01T12:00:00Z", `unmanagedIn: desired-namespaces\n${RULES}`);
    expect(names(drift)).toEqual(["tenant-acme/web"]);
    expect(outcome.outsideDesiredNamespaces).toBe(3);
    expect(names(outcome.expected)).toEqual(["tenant-acme/mesh-sidecar"]);
  });

  it("with no rules, changes nothing", () => {
    const { drift, outcome } = run("2026-12-01T12:00:00Z", "");
    expect(drift).toEqual(compare(D, L, []).drift);
    expect(outcome.waived).toEqual([]);
  });
});

describe("waiverClock: the date is the last day it holds (UTC)", () => {
  it.each([
    ["2027-01-25T00:00:00Z", { active: true, soon: true }],
    ["2027-01-24T23:59:59Z", { active: true, soon: false }],
    ["2027-01-31T23:59:59.999Z", { active: true, soon: true }],
    ["2027-02-01T00:00:00Z", { active: false, soon: false }],
  ])("%s", (now, expected) => {
    expect(waiverClock("2027-01-31", new Date(now))).toEqual(expected);
  });
});
