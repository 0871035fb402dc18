// The effect of drift on the example desired state (desired/), through the real loader and build-report:
// widens, narrows, changes, and `none` for a rename and for an equivalent rewrite.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import {
  defaultNormalizeOptions,
  type DesiredState,
  type NormalizedPolicy,
  type Report,
} from "../../../src/model/types.js";
import { comparable } from "../../../src/normalize/policy.js";
import { buildReport } from "../../helpers/report.js";
import { renderMarkdown } from "../../../src/render/markdown.js";
import { renderText } from "../../../src/render/text.js";
import { loadNormalized } from "../../helpers/desired.js";
import { workloads } from "./helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../../../desired");
let desired: DesiredState;
beforeAll(async () => {
  desired = await loadNormalized(ROOT, { normalize: defaultNormalizeOptions() });
});

type Raw = Record<string, unknown>;
/** The live side: the desired policies as the API server would list them, then edited by the test. */
function liveFrom(edit: (objects: Raw[]) => Raw[]): Raw[] {
  return edit(desired.policies.map((p: NormalizedPolicy) => JSON.parse(JSON.stringify(comparable(p))) as Raw));
}
const find = (objects: Raw[], ns: string, name: string) =>
  objects.find((o) => (o.metadata as Raw).namespace === ns && (o.metadata as Raw).name === name) as {
    metadata: Raw;
    spec: Raw;
  };
const without = (objects: Raw[], ns: string, name: string) => objects.filter((o) => o !== find(objects, ns, name));

function report(objects: Raw[], extra: { workloads?: ReturnType<typeof workloads> } = {}): Report {
  return buildReport(
    desired,
    { objects, cluster: "test", origin: "test", requests: 1 },
    {
      scope: { namespaces: [], exclude: [] },
      normalize: defaultNormalizeOptions(),
      desiredRoot: "desired",
      generatedAt: "2025-01-01T00:00:00Z",
      analysis: { options: defaultAnalysisOptions(), workloads: extra.workloads },
    },
  );
}

describe("effects in the report", () => {
  it("no drift: no effects", () => {
    const r = report(liveFrom((o) => o));
    expect(r.drift).toEqual([]);
    expect(r.effects).toEqual([]);
  });

  it("a renamed policy with identical effect: none", () => {
    const r = report(
      liveFrom((o) => {
        find(o, "tenant-globex", "mcp-to-api").metadata.name = "mcp-api";
        return o;
      }),
    );
    expect(r.drift.map((d) => `${d.state} ${d.name}`)).toEqual(["unmanaged mcp-api", "missing mcp-to-api"]);
    expect(r.effects).toEqual([{ namespace: "tenant-globex", effect: "none", opened: [], closed: [] }]);
    expect(renderText(r, { color: false })).toContain(
      "effect: none — the drift has no effect on which traffic is allowed",
    );
  });

  it("an equivalent rewrite (a port range as two ports, matchLabels as matchExpressions): none", () => {
    const r = report(
      liveFrom((o) => {
        const spec = find(o, "stratmaster", "api-to-retrieval").spec as {
          egress: { ports: unknown[] }[];
          podSelector: unknown;
        };
        for (const rule of spec.egress)
          if (JSON.stringify(rule.ports).includes("6333"))
            rule.ports = [
              { protocol: "TCP", port: 6333 },
              { protocol: "TCP", port: 6334 },
            ];
        spec.podSelector = {
          matchExpressions: [
            { key: "app", operator: "In", values: ["stratmaster-api"] },
            { key: "component", operator: "In", values: ["api"] },
          ],
        };
        return o;
      }),
    );
    expect(r.drift.map((d) => `${d.state} ${d.namespace}/${d.name}`)).toEqual([
      "modified stratmaster/api-to-retrieval",
    ]);
    expect(r.effects).toEqual([{ namespace: "stratmaster", effect: "none", opened: [], closed: [] }]);
  });

  it("DNS over UDP dropped from a default deny: narrows, with the lost flow", () => {
    const r = report(
      liveFrom((o) => {
        const spec = find(o, "database", "default-deny").spec as { egress: { ports: { protocol: string }[] }[] };
        spec.egress[0]!.ports = spec.egress[0]!.ports.filter((p) => p.protocol !== "UDP");
        return o;
      }),
    );
    const e = r.effects![0]!;
    expect(e.effect).toBe("narrows");
    expect(e.closed.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      ["ns:database/pod:*", "ns:kube-system/pod:k8s-app=kube-dns", "UDP", "53"],
    ]);
    expect(e.closed[0]!.egress).toEqual({ isolated: true, policies: ["database/default-deny"], rules: [] });
  });

  it("another tenant let in: widens, the flow names the live rule responsible; the effect comes before the diff", () => {
    const w = workloads({
      "tenant-acme": {
        labels: { tenant: "acme" },
        pods: { "web-1": { labels: { app: "web" } }, "api-1": { labels: { tenant: "acme", component: "api" } } },
      },
      "tenant-globex": {
        labels: { tenant: "globex" },
        pods: { "job-1": { labels: { app: "batch" } }, "job-2": { labels: { app: "report" } } },
      },
      "kube-system": { pods: { "coredns-1": { labels: { "k8s-app": "kube-dns" } } } },
    });
    const r = report(
      liveFrom((o) => {
        const globexDefault = without(o, "tenant-globex", "default-deny");
        globexDefault.push({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "allow-globex", namespace: "tenant-acme" },
          spec: {
            podSelector: { matchLabels: { app: "web" } },
            ingress: [
              { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tenant-globex" } } }] },
            ],
          },
        });
        return globexDefault;
      }),
      { workloads: w },
    );
    const acme = r.effects!.find((e) => e.namespace === "tenant-acme")!;
    expect(acme.effect).toBe("widens");
    expect(acme.opened.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      ["ns:tenant-globex/pod:*", "ns:tenant-acme/pod:app=web", "any", "all"],
    ]);
    expect(acme.opened[0]!.ingress.rules).toEqual([
      { namespace: "tenant-acme", policy: "allow-globex", direction: "ingress", index: 0 },
    ]);
    expect(acme.opened[0]!.egress).toEqual({ isolated: false, policies: [], rules: [] });
    expect(r.effects!.find((e) => e.namespace === "tenant-globex")!.effect).toBe("widens");
    expect(
      r.violations!.some((v) => v.side === "live" && v.invariant === "tenant-isolation" && v.policy === "allow-globex"),
    ).toBe(true);
    expect(r.analysis?.workloads).toBe("capture");

    const text = renderText(r, { color: false });
    const acmeAt = text.indexOf("namespace tenant-acme");
    expect(text.indexOf("effect: WIDENS", acmeAt)).toBeLessThan(text.indexOf("unmanaged", acmeAt));
    expect(text).toContain("+ ns:tenant-globex/pod:* → ns:tenant-acme/pod:app=web  any protocol, all ports");
    expect(text).toContain("ingress allowed by tenant-acme/allow-globex ingress[0]");
    expect(text).toContain("ipBlock peers never match pod IPs");
    const md = renderMarkdown(r);
    expect(md.indexOf("| **widens** | `tenant-acme`")).toBeGreaterThan(-1);
    expect(md.indexOf("**Effect: WIDENS")).toBeLessThan(md.indexOf("```diff"));
  });

  it("a failed live list: no effects, no verdicts", () => {
    const r = buildReport(
      desired,
      { cluster: "", origin: "x", requests: 1, problem: { message: "boom" } },
      {
        scope: { namespaces: [], exclude: [] },
        normalize: defaultNormalizeOptions(),
        desiredRoot: "desired",
        generatedAt: "t",
      },
    );
    expect(r.effects).toBeUndefined();
  });
});

describe("effects when the desired state is uncertain", () => {
  it("a live policy withheld because its namespace's file failed does not show as an effect elsewhere", () => {
    const broken: DesiredState = {
      ...desired,
      policies: desired.policies.filter((p) => !(p.namespace === "database" && p.name === "api-to-postgres")),
      problems: [{ file: "database/api-to-postgres.yaml", line: 3, namespace: "database", message: "not valid YAML" }],
    };
    const objects = liveFrom((o) => {
      const spec = find(o, "stratmaster", "api-to-temporal").spec as { egress: { ports: { port: number }[] }[] };
      spec.egress[0]!.ports[0]!.port = 7234;
      return o;
    });
    const r = buildReport(
      broken,
      { objects, cluster: "test", origin: "test", requests: 1 },
      {
        scope: { namespaces: [], exclude: [] },
        normalize: defaultNormalizeOptions(),
        desiredRoot: "desired",
        generatedAt: "t",
      },
    );
    expect(r.withheld).toEqual(["database"]);
    const flows = r.effects!.flatMap((e) => [...e.opened, ...e.closed]);
    expect(flows.some((f) => f.destination.includes("postgres"))).toBe(false);
    expect(r.effects!.map((e) => `${e.namespace} ${e.effect}`)).toEqual(["stratmaster narrows"]); // 7234 is not open on the frontend
  });
});

describe("which namespace a change belongs to", () => {
  it("a relabelled policy reads none even when another namespace's drift changes traffic into it", () => {
    const r = report(
      liveFrom((o) => {
        find(o, "temporal", "api-to-temporal").metadata.labels = {
          app: "stratmaster",
          component: "temporal-frontend",
          tenant: "platform",
        };
        const api = find(o, "stratmaster", "api-to-temporal").spec as { egress: { ports: { port: number }[] }[] };
        api.egress[0]!.ports[0]!.port = 7234;
        return o;
      }),
    );
    expect(r.effects!.map((e) => `${e.namespace} ${e.effect}`)).toEqual(["stratmaster narrows", "temporal none"]);
    expect(r.effects![0]!.closed.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      [
        "ns:stratmaster/pod:app=stratmaster-api,component=api",
        "ns:temporal/pod:app=temporal,component=frontend",
        "TCP",
        "7233",
      ],
    ]);
  });
});
