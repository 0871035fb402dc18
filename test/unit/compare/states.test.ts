import { describe, expect, it } from "vitest";
import { compare } from "../../../src/compare/compare.js";
import { defaultNormalizeOptions, type NormalizedPolicy } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/index.js";
import { managedEntry, manifest, serverPolicy, type Json } from "../../fixtures/server-shaped.js";

const opts = defaultNormalizeOptions();
const stored = (extra: Json = {}) => ({
  podSelector: { matchLabels: { app: "api" } },
  policyTypes: ["Ingress"],
  ...extra,
});
const written = (extra: Json = {}) => ({ podSelector: { matchLabels: { app: "api" } }, ...extra });

const desired = (ns: string, name: string, spec: Json = written(), labels?: Json): NormalizedPolicy =>
  normalizePolicy(manifest(name, spec, { labels }), ns, { file: `${ns}/${name}.yaml`, line: 1 }, opts);
const live = (
  ns: string,
  name: string,
  spec: Json = stored(),
  o: Parameters<typeof serverPolicy>[3] = {},
): NormalizedPolicy => normalizePolicy(serverPolicy(ns, name, spec, o), ns, {}, opts);

describe("compare: one verdict per namespace/name", () => {
  const edited = [
    managedEntry("kubectl-client-side-apply", "Update", "2025-03-04T09:15:27Z"),
    managedEntry("kubectl-edit", "Update", "2025-06-11T16:02:44Z"),
    managedEntry("helm", "Update", "2025-04-01T12:00:00Z"),
  ];
  const result = compare(
    [
      desired("shop", "same"),
      desired("shop", "gone"),
      desired("cart", "edited", written({ ingress: [{ ports: [{ port: 8080 }] }] })),
    ],
    [
      live("shop", "same"),
      live("shop", "hand-made", stored(), {
        managedFields: [managedEntry("kubectl-create", "Update", "2025-06-10T07:00:00Z")],
      }),
      live("cart", "edited", stored({ ingress: [{ ports: [{ port: 8443, protocol: "TCP" }] }] }), {
        managedFields: edited,
      }),
    ],
    [],
  );

  it("counts every state in the summary", () => {
    expect(result.summary).toEqual({ desired: 3, live: 3, inSync: 1, missing: 1, unmanaged: 1, modified: 1 });
    expect(result.withheld).toEqual([]);
  });

  it("lists drift sorted by namespace/name, in-sync policies left out", () => {
    expect(result.drift.map((d) => [d.state, `${d.namespace}/${d.name}`])).toEqual([
      ["modified", "cart/edited"],
      ["missing", "shop/gone"],
      ["unmanaged", "shop/hand-made"],
    ]);
  });

  it("gives a modified policy its changes, its source file and the newest managedFields entry", () => {
    const m = result.drift[0];
    expect(m?.changes).toEqual([{ path: "spec.ingress[0].ports[0].port", desired: 8080, live: 8443 }]);
    expect(m?.source).toBe("cart/edited.yaml");
    expect(m?.changedBy).toEqual({ manager: "kubectl-edit", operation: "Update", time: "2025-06-11T16:02:44Z" });
  });

  it("gives an unmanaged policy changedBy but no source and no changes", () => {
    const u = result.drift[2];
    expect(u?.changedBy).toEqual({ manager: "kubectl-create", operation: "Update", time: "2025-06-10T07:00:00Z" });
    expect(u?.source).toBeUndefined();
    expect(u?.changes).toEqual([]);
  });

  it("gives a missing policy its source and no changedBy", () => {
    const g = result.drift[1];
    expect(g?.source).toBe("shop/gone.yaml");
    expect(g?.changedBy).toBeUndefined();
    expect(g?.changes).toEqual([]);
  });

  it("is all in sync when both sides are the same server-shaped policies", () => {
    const r = compare([desired("a", "x"), desired("b", "y")], [live("b", "y"), live("a", "x")], []);
    expect(r.drift).toEqual([]);
    expect(r.summary).toEqual({ desired: 2, live: 2, inSync: 2, missing: 0, unmanaged: 0, modified: 0 });
  });
});

describe("compare: withheld verdicts", () => {
  it("withholds unmanaged in an uncertain namespace but still reports missing and modified there", () => {
    const r = compare(
      [desired("shop", "gone"), desired("shop", "edited", written({ ingress: [{}] }))],
      [live("shop", "edited"), live("shop", "stray"), live("cart", "stray")],
      [{ file: "shop/broken.yaml", line: 3, message: "invalid YAML", namespace: "shop" }],
    );
    expect(r.withheld).toEqual(["shop"]);
    expect(r.drift.map((d) => [d.state, `${d.namespace}/${d.name}`])).toEqual([
      ["unmanaged", "cart/stray"],
      ["modified", "shop/edited"],
      ["missing", "shop/gone"],
    ]);
    expect(r.summary.unmanaged).toBe(1);
  });

  it("withholds every unmanaged verdict for a problem in any namespace (*)", () => {
    const r = compare(
      [],
      [live("shop", "stray"), live("cart", "stray")],
      [{ file: "x.yaml", message: "m", namespace: "*" }],
    );
    expect(r.withheld).toEqual(["*"]);
    expect(r.drift).toEqual([]);
  });
});

describe("compare: labels in change paths", () => {
  it("brackets label keys with dots and slashes, and reports added and removed labels", () => {
    const r = compare(
      [desired("shop", "p", written(), { "app.kubernetes.io/part-of": "shop", tier: "web" })],
      [
        live("shop", "p", stored(), {
          labels: { "app.kubernetes.io/part-of": "checkout", "team.example.com/owner": "ops" },
        }),
      ],
      [],
    );
    expect(r.drift[0]?.changes).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', desired: "shop", live: "checkout" },
      { path: "metadata.labels.tier", desired: "web" },
      { path: 'metadata.labels["team.example.com/owner"]', live: "ops" },
    ]);
  });
});
