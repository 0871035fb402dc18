import { describe, expect, it } from "vitest";
import { formatPath } from "../../../src/compare/changes.js";
import { compare } from "../../../src/compare/compare.js";
import { unifiedDiff } from "../../../src/compare/unified.js";
import { changesBetween, desiredOf, liveOf } from "../../fixtures/both-sides.js";

const api = { matchLabels: { app: "api" } };
const from = (app: string, port: number) => ({ from: [{ podSelector: { matchLabels: { app } } }], ports: [{ port }] });
const fromLive = (app: string, port: number) => ({
  from: [{ podSelector: { matchLabels: { app } } }],
  ports: [{ port, protocol: "TCP" }],
});

describe("compare: aligning lists before diffing", () => {
  it("reports a rule added live as one added rule, not every later rule edited", () => {
    const changes = changesBetween(
      { podSelector: api, ingress: [from("b", 80), from("c", 81), from("d", 82)] },
      {
        podSelector: api,
        ingress: [fromLive("a", 9000), fromLive("b", 80), fromLive("c", 81), fromLive("d", 82)],
        policyTypes: ["Ingress"],
      },
    );
    expect(changes).toEqual([{ path: "spec.ingress[3]", live: fromLive("a", 9000) }]);
  });

  it("reports a rule removed live as that one rule gone", () => {
    const changes = changesBetween(
      { podSelector: api, ingress: [from("b", 80), from("c", 81), from("d", 82)] },
      { podSelector: api, ingress: [fromLive("b", 80), fromLive("d", 82)], policyTypes: ["Ingress"] },
    );
    expect(changes).toEqual([{ path: "spec.ingress[1]", desired: fromLive("c", 81) }]);
  });

  it("reports an edited rule field by field, even when the edit changes its sort position", () => {
    const changes = changesBetween(
      { podSelector: api, ingress: [from("b", 80), from("c", 81)] },
      { podSelector: api, ingress: [fromLive("c", 81), fromLive("z", 80)], policyTypes: ["Ingress"] },
    );
    expect(changes).toEqual([{ path: "spec.ingress[0].from[0].podSelector.matchLabels.app", desired: "b", live: "z" }]);
  });

  it("reports nothing for rules only reordered", () => {
    expect(
      changesBetween(
        { podSelector: api, ingress: [from("d", 82), from("b", 80), from("c", 81)] },
        {
          podSelector: api,
          ingress: [fromLive("b", 80), fromLive("c", 81), fromLive("d", 82)],
          policyTypes: ["Ingress"],
        },
      ),
    ).toEqual([]);
  });

  it("lists changes top to bottom", () => {
    const changes = changesBetween(
      {
        podSelector: api,
        ingress: [from("b", 80), from("c", 81)],
        egress: [{ ports: [{ port: 53, protocol: "UDP" }] }],
      },
      {
        podSelector: { matchLabels: { app: "api2" } },
        ingress: [fromLive("b", 8080), fromLive("c", 8181)],
        egress: [{ ports: [{ port: 5353, protocol: "UDP" }] }],
        policyTypes: ["Ingress", "Egress"],
      },
    );
    expect(changes.map((c) => c.path)).toEqual([
      "spec.podSelector.matchLabels.app",
      "spec.ingress[0].ports[0].port",
      "spec.ingress[1].ports[0].port",
      "spec.egress[0].ports[0].port",
    ]);
  });
});

describe("compare: change paths", () => {
  it.each([
    [["spec", "ingress", 0, "ports", 1, "port"], "spec.ingress[0].ports[1].port"],
    [["metadata", "labels", "app.kubernetes.io/name"], 'metadata.labels["app.kubernetes.io/name"]'],
    [["metadata", "labels", "team"], "metadata.labels.team"],
    [["metadata", "labels", "my-label"], 'metadata.labels["my-label"]'],
    [["spec", "podSelector", "matchLabels", 'we"ird'], 'spec.podSelector.matchLabels["we\\"ird"]'],
  ])("formats %j as %s", (path, text) => {
    expect(formatPath(path as (string | number)[])).toBe(text);
  });
});

describe("compare: unified diff of the normalised YAML", () => {
  it("shows exactly the changed line with context, desired → live", () => {
    const d = desiredOf({ podSelector: api, ingress: [{ ports: [{ port: 8080 }] }] });
    const l = liveOf({
      podSelector: api,
      ingress: [{ ports: [{ port: 9090, protocol: "TCP" }] }],
      policyTypes: ["Ingress"],
    });
    expect(unifiedDiff(d, l)).toBe(
      [
        "--- desired/shop/api-ingress",
        "+++ live/shop/api-ingress",
        "@@ -12,4 +12,4 @@",
        "   ingress:",
        "     - ports:",
        "         - protocol: TCP",
        "-          port: 8080",
        "+          port: 9090",
        "",
      ].join("\n"),
    );
  });

  it("keeps the live rules in desired's order, so an edit that re-sorts a rule is one line", () => {
    const d = desiredOf({ podSelector: api, ingress: [from("b", 80), from("c", 81)] });
    const l = liveOf({ podSelector: api, ingress: [fromLive("c", 81), fromLive("z", 80)], policyTypes: ["Ingress"] });
    const changed = unifiedDiff(d, l)
      .split("\n")
      .filter((line) => /^[-+][^-+]/.test(line));
    expect(changed).toEqual(["-              app: b", "+              app: z"]);
  });

  it("diffs a missing policy against nothing and an unmanaged one from nothing", () => {
    const d = desiredOf({ podSelector: api });
    const [missing] = compare([d], [], []).drift;
    const [unmanaged] = compare([], [liveOf({ podSelector: api, policyTypes: ["Ingress"] })], []).drift;
    expect(missing?.diff.split("\n").slice(0, 3)).toEqual([
      "--- desired/shop/api-ingress",
      "+++ live/shop/api-ingress",
      "@@ -1,11 +0,0 @@",
    ]);
    expect(missing?.diff).toContain("-  name: api-ingress\n");
    expect(unmanaged?.diff.split("\n").slice(0, 3)).toEqual([
      "--- desired/shop/api-ingress",
      "+++ live/shop/api-ingress",
      "@@ -0,0 +1,11 @@",
    ]);
    expect(unmanaged?.diff).toContain("+  namespace: shop\n");
    expect(unmanaged?.diff).not.toContain("uid");
    expect(unmanaged?.diff).not.toContain("managedFields");
  });
});
