// core/detect as plain data in, a Report out: both sides through the one normaliser it is given, the naming
// decided by the caller, and a failed or uncertain input never read as "in sync".
import { describe, expect, it } from "vitest";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import { type DetectInputs, detect, normalizeDesired, reportOutcome } from "../../../src/core/detect.js";
import { type Normalizer, normalizerFor } from "../../../src/core/normalizer.js";
import type { RawDesired } from "../../../src/model/sources.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { manifest, serverPolicy } from "../../fixtures/server-shaped.js";

const web = { podSelector: { matchLabels: { app: "web" } }, ingress: [{ ports: [{ port: 80 }] }] };
const webStored = {
  podSelector: { matchLabels: { app: "web" } },
  ingress: [{ ports: [{ port: 80, protocol: "TCP" }] }],
  policyTypes: ["Ingress"],
};

function desired(labels: Record<string, string> = {}): RawDesired {
  return {
    objects: [{ raw: manifest("web", web, { labels }), namespace: "shop", origin: { file: "shop/web.yaml", line: 1 } }],
    skipped: [],
    problems: [],
  };
}

function inputs(over: Partial<DetectInputs> = {}): DetectInputs {
  return {
    desired: desired(),
    live: { objects: [serverPolicy("shop", "web", webStored)], cluster: "kind-prod", origin: "file: x", requests: 1 },
    scope: { namespaces: [], exclude: [] },
    normalize: normalizerFor(defaultNormalizeOptions()),
    naming: { desired: "ops/policies", generatedAt: "2026-01-01T00:00:00Z" },
    ...over,
  };
}

describe("detect: both sides through one normaliser", () => {
  it("normalises the desired objects (at their namespace and file) and the raw live ones with the normaliser given", () => {
    const seen: string[] = [];
    const base = normalizerFor(defaultNormalizeOptions());
    const recording: Normalizer = (raw, at) => {
      seen.push(at ? `desired ${at.namespace} ${at.origin.file}` : "live");
      return base(raw, at);
    };
    const r = detect(inputs({ normalize: recording }));
    expect(seen.sort()).toEqual(["desired shop shop/web.yaml", "live"]);
    expect([r.complete, r.summary.inSync, reportOutcome(r)]).toEqual([true, 1, "clean"]);
  });

  it("one normaliser's options hold for both sides: a label it ignores drifts on neither", () => {
    const live = {
      objects: [serverPolicy("shop", "web", webStored, { labels: { team: "ops" } })],
      cluster: "c",
      origin: "o",
      requests: 1,
    };
    const ignoring = normalizerFor({ ...defaultNormalizeOptions(), ignoreLabels: ["team"] });
    expect(detect(inputs({ desired: desired({ team: "shop" }), live, normalize: ignoring })).drift).toEqual([]);
    const comparing = normalizerFor(defaultNormalizeOptions());
    const drift = detect(inputs({ desired: desired({ team: "shop" }), live, normalize: comparing })).drift;
    expect(drift.map((d) => [d.state, d.changes.map((c) => c.path)])).toEqual([["modified", ["metadata.labels.team"]]]);
  });

  it("takes the desired side normalised as read (by the same normaliser) as well as raw, to the same report", () => {
    const normalize = normalizerFor(defaultNormalizeOptions());
    const asRead = normalizeDesired(desired(), normalize);
    expect(detect(inputs({ desired: asRead, normalize }))).toEqual(detect(inputs({ normalize })));
  });

  it("hands the raw desired objects back released: raw and normalised copies are never both kept", () => {
    const d = desired();
    detect(inputs({ desired: d }));
    expect(d.objects.map((o) => o.raw)).toEqual([{}]);
  });
});

describe("detect: the caller names things, nothing is patched afterwards", () => {
  it.each([
    ["the live source's cluster", {}, "kind-prod"],
    ["the cluster asked for", { cluster: "prod-eu" }, "prod-eu"],
  ])("%s", (_row, naming, cluster) => {
    const r = detect(
      inputs({ naming: { desired: "https://git.example/policies main:ops", generatedAt: "t", ...naming } }),
    );
    expect([r.cluster, r.sources.desired, r.generatedAt]).toEqual([
      cluster,
      "https://git.example/policies main:ops",
      "t",
    ]);
  });

  it("a failed list still names the cluster its kubeconfig pointed at", () => {
    const live = { problem: { call: "list networkpolicies", message: "HTTP 403" }, origin: "list", cluster: "ctx" };
    const r = detect(inputs({ live }));
    expect([r.cluster, r.sources.live, r.sources.requests]).toEqual(["ctx", "list", 0]);
  });
});

describe("detect: an incomplete input is never a verdict", () => {
  it("a failed live list: incomplete, every verdict withheld, no effects", () => {
    const live = { problem: { call: "list networkpolicies", message: "HTTP 403" }, origin: "list" };
    const r = detect(inputs({ live }));
    expect([r.complete, r.withheld, r.drift, r.effects, reportOutcome(r)]).toEqual([
      false,
      ["*"],
      [],
      undefined,
      "incomplete",
    ]);
    expect(r.problems).toEqual([{ call: "list networkpolicies", message: "HTTP 403" }]);
  });

  it("a capture that cannot tell what it covers: incomplete, the problem said", () => {
    const problem = { call: "read x", message: "the capture holds no NetworkPolicy" };
    const live = {
      objects: [],
      cluster: "x",
      origin: "file: x",
      requests: 1,
      coverage: { covers: [], notes: [], problem },
    };
    const r = detect(inputs({ live }));
    expect([r.complete, r.summary.missing, r.problems]).toEqual([false, 0, [problem]]);
  });

  it("analysis inputs that could not be read: the drift stands, the report is incomplete and says why", () => {
    const problem = { file: "values.yaml", message: "no such file (--values)" };
    const live = { objects: [], cluster: "c", origin: "o", requests: 1 };
    const r = detect(inputs({ live, analysis: { options: defaultAnalysisOptions(), problems: [problem] } }));
    expect([r.complete, r.drift.map((d) => d.state), r.problems, reportOutcome(r)]).toEqual([
      false,
      ["missing"],
      [problem],
      "incomplete",
    ]);
    expect(r.analysis?.notes.join("\n")).toContain("the analysis inputs could not all be read");
  });

  it("drift in a complete report is a finding", () => {
    const r = detect(inputs({ live: { objects: [], cluster: "c", origin: "o", requests: 1 } }));
    expect([r.complete, r.summary.missing, reportOutcome(r)]).toEqual([true, 1, "findings"]);
  });
});
