import { describe, expect, it } from "vitest";
import { auditWaivers } from "../../../src/compare/waivers.js";
import { compareWithRules } from "../../../src/compare/with-rules.js";
import { noRules } from "../../../src/model/rules.js";
import { parseRules } from "../../../src/rules/parse.js";
import { desiredAt443, liveAt } from "./helpers.js";

const desired = desiredAt443;
const live = liveAt;

const RULES = `
ignore:
  - match: {namespace: shop, name: cart}
    paths: [/spec/ingress/*/ports]
unmanaged:
  - match: {namespace: shop, name: operator-*}
waivers:
  - match: {namespace: shop, name: web}
    reason: INC-1
    owner: shop-team
    expires: 2027-01-31
`;
const rules = () => parseRules(RULES, ".netpol-drift.yaml").rules;
const D = [desired("shop", "web"), desired("shop", "cart"), desired("shop", "api")];
const L = [
  live("shop", "web", 8080),
  live("shop", "cart", 9090),
  live("shop", "api", 8443),
  live("shop", "operator-a"),
];
const NOW = new Date("2026-12-01T00:00:00Z");

describe("compareWithRules: ignore → compare → waivers", () => {
  it("without a rules file it is compare, summary and all", () => {
    const r = compareWithRules(D, L, [], noRules(), NOW);
    expect(r.drift.map((d) => `${d.state} ${d.name}`)).toEqual([
      "modified api",
      "modified cart",
      "unmanaged operator-a",
      "modified web",
    ]);
    expect(r.summary).toEqual({ desired: 3, live: 4, inSync: 0, missing: 0, unmanaged: 1, modified: 3 });
    expect(r.rules).toBeUndefined();
  });

  it("counts what the rules set aside apart from drift", () => {
    const r = compareWithRules(D, L, [], rules(), NOW);
    expect(r.drift.map((d) => `${d.state} ${d.name}`)).toEqual(["modified api"]);
    expect(r.summary).toEqual({
      desired: 3,
      live: 4,
      inSync: 1,
      missing: 0,
      unmanaged: 0,
      modified: 1,
      waived: 1,
      expected: 1,
      ignored: 0,
    });
    expect(r.rules?.waived.map((w) => w.name)).toEqual(["web"]);
    expect(r.rules?.file).toBe(".netpol-drift.yaml");
  });

  it("lets the analysis see the desired value of what is ignored, and the live state of what is waived", () => {
    const r = compareWithRules(D, L, [], rules(), NOW);
    const port = (name: string) => r.analysis.live.find((p) => p.name === name)?.spec.ingress?.[0]?.ports?.[0]?.port;
    expect(port("api")).toBe(8443); // drift: the live value
    expect(port("cart")).toBe(443); // ignored field: the desired value
    expect(port("web")).toBe(8080); // waived: still what is live, for the baseline invariants
    expect(r.analysis.live.map((p) => p.name).sort()).toEqual(["api", "cart", "operator-a", "web"]);
    expect(r.analysis.desired).toBe(D);
  });

  it("never touches problems or withheld verdicts", () => {
    const problem = { file: "shop/broken.yaml", line: 3, message: "invalid YAML", namespace: "shop" };
    const r = compareWithRules(D, [...L, live("shop", "stray")], [problem], rules(), NOW);
    expect(r.withheld).toEqual(["shop"]);
    expect(r.drift.map((d) => d.name)).toEqual(["api"]);
  });
});

describe("auditWaivers: what check says about waivers without a live side", () => {
  it("lists expired, ending soon and matching no desired policy", () => {
    const { rules: r } = parseRules(
      [
        "waivers:",
        "  - {match: {name: web}, reason: a, owner: o, expires: 2026-11-30}",
        "  - {match: {name: web}, reason: b, owner: o, expires: 2026-12-03}",
        "  - {match: {name: nothing-here}, reason: c, owner: o, expires: 2027-06-01}",
        "  - {match: {name: api}, reason: d, owner: o, expires: 2027-06-01}",
      ].join("\n"),
      "r.yaml",
    );
    const audit = auditWaivers(r, D, NOW);
    expect(audit.expired.map((w) => w.rule)).toEqual(["r.yaml:2"]);
    expect(audit.expiringSoon.map((w) => w.rule)).toEqual(["r.yaml:3"]);
    expect(audit.unmatched.map((w) => w.rule)).toEqual(["r.yaml:4"]);
  });
});
