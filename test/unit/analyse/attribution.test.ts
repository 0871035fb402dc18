// Which namespace a flow is charged to (the one whose decision flipped), and flow labels a reader can act on.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computeEffects } from "../../../src/analyse/effects.js";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import { defaultNormalizeOptions, type DesiredState, type NormalizedPolicy } from "../../../src/model/types.js";
import { comparable } from "../../../src/normalize/policy.js";
import { buildReport } from "../../helpers/report.js";
import { loadNormalized } from "../../helpers/desired.js";
import { parseCapture } from "../../../src/sources/live/file.js";
import { pol, workloads } from "./helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let desired: DesiredState;
let snapshot: Record<string, unknown>[];
beforeAll(async () => {
  desired = await loadNormalized(path.join(ROOT, "desired"), { normalize: defaultNormalizeOptions() });
  snapshot = parseCapture(readFileSync(path.join(ROOT, "examples/live-snapshot.json"), "utf8"), "snapshot");
});

function report(objects: Record<string, unknown>[]) {
  return buildReport(
    desired,
    { objects, cluster: "test", origin: "test", requests: 1 },
    {
      scope: { namespaces: [], exclude: [] },
      normalize: defaultNormalizeOptions(),
      desiredRoot: "desired",
      generatedAt: "t",
      analysis: { options: defaultAnalysisOptions() },
    },
  );
}
const helm = () => snapshot.find((o) => (o.metadata as { name: string }).name === "kube-prometheus-stack-prometheus")!;
const asLive = (p: NormalizedPolicy) => JSON.parse(JSON.stringify(comparable(p))) as Record<string, unknown>;

describe("a flow is charged to the namespace whose decision flipped", () => {
  it("the demo: monitoring's Helm policy (egress: [{}]) opens nothing; the flows it reached are opened by the receivers' drift", () => {
    const r = report(snapshot);
    const monitoring = r.effects!.find((e) => e.namespace === "monitoring")!;
    expect(monitoring.opened).toEqual([]);
    expect(monitoring.effect).toBe("narrows");
    // prometheus → stratmaster is opened by stratmaster/debug-allow-all and charged to stratmaster.
    const strat = r.effects!.find((e) => e.namespace === "stratmaster")!;
    const fromPrometheus = strat.opened.filter(
      (f) => f.source.includes("monitoring") && f.destination.includes("stratmaster"),
    );
    expect(fromPrometheus.length).toBeGreaterThan(0);
    for (const f of fromPrometheus)
      expect(f.ingress.rules.map((x) => `${x.namespace}/${x.policy}`)).toContain("stratmaster/debug-allow-all");
  });

  it("only the Helm policy drifted: monitoring is a clean narrows (prometheus's ingress now limited to grafana)", () => {
    const r = report([...desired.policies.map(asLive), helm()]);
    expect(r.drift.map((d) => `${d.state} ${d.namespace}/${d.name}`)).toEqual([
      "unmanaged monitoring/kube-prometheus-stack-prometheus",
    ]);
    expect(r.effects!.map((e) => `${e.namespace} ${e.effect}`)).toEqual(["monitoring narrows"]);
    const e = r.effects![0]!;
    expect(e.opened).toEqual([]);
    for (const f of e.closed) expect(f.destination).toContain("prometheus");
  });

  it("a pair both of whose sides flipped is charged to both namespaces, once each", () => {
    const deny = (ns: string) => pol(ns, "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const w = workloads({ a: { pods: { x: {} } }, b: { pods: { y: {} } } });
    const { effects } = computeEffects({
      desired: [],
      live: [deny("a"), deny("b")],
      namespaces: ["a", "b"],
      workloads: w,
      options: { ipBlockMatchesPods: false },
    });
    const rows = (ns: string) =>
      effects.find((e) => e.namespace === ns)!.closed.map((f) => `${f.source} → ${f.destination}`);
    // a's egress flipped: a → every pod (b included); b's ingress flipped: a → b. b's own pods reach b only
    // through b's egress row, so b → b is listed once.
    expect(rows("a")).toEqual([
      "0.0.0.0/0, ::/0 → ns:a/pod:*",
      "ns:a/pod:* → 0.0.0.0/0, ::/0",
      "ns:a/pod:* → ns:*/pod:*",
      "ns:b/pod:* → ns:a/pod:*",
    ]);
    expect(rows("b")).toEqual([
      "0.0.0.0/0, ::/0 → ns:b/pod:*",
      "ns:a/pod:* → ns:b/pod:*",
      "ns:b/pod:* → 0.0.0.0/0, ::/0",
      "ns:b/pod:* → ns:*/pod:*",
    ]);
    const aToAll = effects[0]!.closed.find((f) => f.destination === "ns:*/pod:*")!;
    expect(aToAll.egress).toEqual({ isolated: true, policies: ["a/deny"], rules: [] });
  });
});

describe("every namespace except one is one flow", () => {
  it("a default deny in one of many namespaces: one closed flow from every pod but its own", () => {
    const spec: Record<string, { pods: Record<string, object> }> = {};
    for (let i = 0; i < 40; i++) spec[`team-${i}`] = { pods: { p: {} } };
    spec["tenant-acme"] = { pods: { web: {} } };
    const w = workloads(spec);
    const deny = pol("tenant-acme", "deny", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: {} }] }],
    });
    const { effects } = computeEffects({
      desired: [],
      live: [deny],
      namespaces: ["tenant-acme"],
      workloads: w,
      options: { ipBlockMatchesPods: false },
    });
    expect(effects[0]!.closed.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      ["0.0.0.0/0, ::/0", "ns:tenant-acme/pod:*", "any", "all"],
      ["ns:*/pod:* except ns:tenant-acme/pod:*", "ns:tenant-acme/pod:*", "any", "all"],
    ]);
    expect(effects[0]!.closed[1]!.from).toEqual({ namespaces: ["*"], except: { namespaces: ["tenant-acme"] } });
  });
});

describe("flow labels", () => {
  const w = workloads({
    n: {
      pods: {
        "web-a": { labels: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
        "web-b": { labels: { app: "web" }, ports: [{ name: "http", port: 8080, protocol: "TCP" }] },
        client: { labels: { app: "client" } },
      },
    },
  });
  const allowHttp = pol("n", "web", {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: ["Ingress"],
    ingress: [{ ports: [{ port: "http" }] }],
  });

  it("classes split by named ports read differently, and each UDP/SCTP row appears once", () => {
    const { effects } = computeEffects({
      desired: [],
      live: [allowHttp],
      namespaces: ["n"],
      workloads: w,
      options: { ipBlockMatchesPods: false },
    });
    const rows = effects[0]!.closed
      .filter((f) => f.source === "ns:*/pod:*")
      .map((f) => [f.destination, f.protocol, f.ports]);
    expect(rows).toEqual([
      ["ns:n/pod:app=web[http=80]", "TCP", "1-79, 81-65535"],
      ["ns:n/pod:app=web[http=8080]", "TCP", "1-8079, 8081-65535"],
      ["ns:n/pod:app=web[http=8080], ns:n/pod:app=web[http=80]", "SCTP", "all"],
      ["ns:n/pod:app=web[http=8080], ns:n/pod:app=web[http=80]", "UDP", "all"],
    ]);
  });

  it("with workloads, closed flows do not read 'any named port' once names are resolved", () => {
    const { effects } = computeEffects({
      desired: [],
      live: [allowHttp],
      namespaces: ["n"],
      workloads: w,
      options: { ipBlockMatchesPods: false },
    });
    for (const f of [...effects[0]!.opened, ...effects[0]!.closed]) expect(f.ports).not.toContain("named");
  });
});
