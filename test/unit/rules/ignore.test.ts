import { describe, expect, it } from "vitest";
import { compare } from "../../../src/compare/compare.js";
import { sameComparable } from "../../../src/compare/same.js";
import type { IgnoreRule } from "../../../src/model/rules.js";
import { defaultNormalizeOptions, type NormalizedPolicy } from "../../../src/model/types.js";
import { applyIgnoreRules } from "../../../src/normalize/ignore.js";
import { normalizePolicy } from "../../../src/normalize/index.js";
import { sourceIndex } from "../../../src/normalize/spec.js";
import { parseRules } from "../../../src/rules/parse.js";
import { type Json, managedEntry, manifest, serverPolicy } from "../../fixtures/server-shaped.js";

const opts = { ...defaultNormalizeOptions(), compareAnnotations: ["*"] };
const NS = "tenant-acme";

const desired = (name: string, spec: Json, meta: { labels?: Json; annotations?: Json } = {}): NormalizedPolicy =>
  normalizePolicy(manifest(name, spec, meta), NS, { file: `${NS}/${name}.yaml`, line: 1 }, opts);
const live = (name: string, spec: Json, o: Parameters<typeof serverPolicy>[3] = {}, ns = NS): NormalizedPolicy =>
  normalizePolicy(serverPolicy(ns, name, spec, o), ns, {}, opts);

function rulesOf(yaml: string): IgnoreRule[] {
  const { rules, problems } = parseRules(yaml, ".netpol-drift.yaml");
  expect(problems).toEqual([]);
  return rules.ignore;
}

const web = (except: string[], port = 443): Json => ({
  podSelector: { matchLabels: { app: "web" } },
  policyTypes: ["Ingress"],
  ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except } }], ports: [{ protocol: "TCP", port }] }],
});

function changesOf(d: NormalizedPolicy[], l: NormalizedPolicy[], rules: IgnoreRule[]) {
  const ignored = applyIgnoreRules(d, l, rules, sameComparable);
  const result = compare(ignored.desired, ignored.live, []);
  return { ignored, result, paths: result.drift.flatMap((i) => i.changes.map((c) => c.path)) };
}

describe("ignore: a field path", () => {
  const d = [desired("web", web(["10.1.0.0/16"]), { annotations: { team: "a" } })];
  const rules = rulesOf(
    "ignore:\n  - match: {namespace: 'tenant-*'}\n    paths: [/spec/ingress/*/from/*/ipBlock/except, /metadata/annotations/*]\n",
  );

  it("hides exactly that change", () => {
    const l = [live("web", web(["10.2.0.0/16"]), { annotations: { team: "b" } })];
    expect(changesOf(d, l, []).paths).toEqual([
      "metadata.annotations.team",
      "spec.ingress[0].from[0].ipBlock.except[0]",
    ]);
    const { result } = changesOf(d, l, rules);
    expect(result.drift).toEqual([]);
    expect(result.summary.inSync).toBe(1);
  });

  it("and nothing else: a port changed in the same rule is still drift", () => {
    const l = [live("web", web(["10.2.0.0/16"], 8443))];
    const { paths, result } = changesOf(d, l, rules);
    expect(paths).toEqual(["spec.ingress[0].ports[0].port"]);
    expect(result.drift[0]?.changes).toEqual([{ path: "spec.ingress[0].ports[0].port", desired: 443, live: 8443 }]);
    expect(result.drift[0]?.diff).not.toContain("10.2.0.0/16");
  });

  it("the analysis sees the desired value of the ignored field, and the live value of the rest", () => {
    const l = [live("web", web(["10.2.0.0/16"], 8443))];
    const { ignored } = changesOf(d, l, rules);
    const rule = ignored.analysisLive[0]?.spec.ingress?.[0];
    expect(rule?.from?.[0]?.ipBlock).toEqual({ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] });
    expect(rule?.ports).toEqual([{ protocol: "TCP", port: 8443 }]);
    // the rule keeps the index it had as written, which the analysis names it by
    expect(rule && sourceIndex(rule)).toBe(0);
  });

  it("applies only where the match holds", () => {
    const other = [normalizePolicy(manifest("web", web(["10.1.0.0/16"])), "shop", {}, opts)];
    const { paths } = changesOf(other, [live("web", web(["10.2.0.0/16"]), {}, "shop")], rules);
    expect(paths).toEqual(["spec.ingress[0].from[0].ipBlock.except[0]"]);
  });
});

describe("ignore: fieldsOwnedBy a manager", () => {
  const spec = web(["10.1.0.0/16"]);
  const d = [desired("web", spec, { labels: { app: "web" } })];
  // calico-kube-controllers wrote a label; a person then edited the ingress with kubectl edit.
  const l = [
    live("web", web(["10.1.0.0/16"], 8443), {
      labels: { app: "web", "projectcalico.org/tier": "default" },
      managedFields: [
        managedEntry("kubectl-client-side-apply", "Update", "2026-11-01T10:00:00Z", {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": { "f:podSelector": {}, "f:policyTypes": {} },
        }),
        managedEntry("calico-kube-controllers", "Update", "2026-11-02T10:00:00Z", {
          "f:metadata": { "f:labels": { "f:projectcalico.org/tier": {} } },
        }),
        managedEntry("kubectl-edit", "Update", "2026-11-03T10:00:00Z", { "f:spec": { "f:ingress": {} } }),
      ],
    }),
  ];
  const rules = rulesOf("ignore:\n  - match: {namespace: '*'}\n    fieldsOwnedBy: calico-kube-*\n");

  it("hides what that manager wrote and shows what a person changed in the same policy", () => {
    expect(changesOf(d, l, []).paths).toEqual([
      'metadata.labels["projectcalico.org/tier"]',
      "spec.ingress[0].ports[0].port",
    ]);
    const { result } = changesOf(d, l, rules);
    expect(result.drift).toHaveLength(1);
    expect(result.drift[0]?.changes.map((c) => c.path)).toEqual(["spec.ingress[0].ports[0].port"]);
    expect(result.drift[0]?.changedBy?.manager).toBe("kubectl-edit");
  });

  it("hides nothing of a manager that is not named", () => {
    const { paths } = changesOf(d, l, rulesOf("ignore:\n  - match: {namespace: '*'}\n    fieldsOwnedBy: [istiod]\n"));
    expect(paths).toEqual(['metadata.labels["projectcalico.org/tier"]', "spec.ingress[0].ports[0].port"]);
  });
});

describe("ignore: whole policies", () => {
  const rules = rulesOf("ignore:\n  - match: {name: 'mesh-*'}\n    whole: true\n");

  it("leaves the policy out on both sides, not its neighbour", () => {
    const d = [desired("mesh-a", web([])), desired("web", web([]))];
    const l = [live("mesh-a", web([], 15000)), live("mesh-b", web([])), live("web", web([], 8443))];
    const { result, ignored } = changesOf(d, l, rules);
    expect(result.drift.map((i) => `${i.state} ${i.name}`)).toEqual(["modified web"]);
    expect(ignored.ignoredPolicies).toBe(2);
    // the analysis sees the desired mesh-a, and no mesh-b (the desired state has none)
    expect(ignored.analysisLive.map((p) => p.name).sort()).toEqual(["mesh-a", "web"]);
    expect(ignored.analysisLive.find((p) => p.name === "mesh-a")?.spec.ingress?.[0]?.ports).toEqual([
      { protocol: "TCP", port: 443 },
    ]);
  });

  it("passes policies through untouched when no rule matches", () => {
    const d = [desired("web", web([]))];
    const l = [live("web", web([], 8443))];
    const ignored = applyIgnoreRules(d, l, rules, sameComparable);
    expect(ignored.desired[0]).toBe(d[0]);
    expect(ignored.live[0]).toBe(l[0]);
  });
});
