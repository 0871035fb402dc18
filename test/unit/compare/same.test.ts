import { describe, expect, it } from "vitest";
import { compare } from "../../../src/compare/compare.js";
import { equalJson, sameComparable, shareInSync } from "../../../src/compare/same.js";
import { defaultNormalizeOptions, type NormalizedPolicy } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/index.js";
import { normalizerFor } from "../../../src/core/normalizer.js";
import { internPolicy, StringTable } from "../../../src/normalize/strings.js";
import { manifest, serverPolicy, type Json } from "../../fixtures/server-shaped.js";

const opts = defaultNormalizeOptions();
const spec = (port: number): Json => ({
  podSelector: { matchLabels: { "app.kubernetes.io/name": "checkout-service" } },
  policyTypes: ["Ingress"],
  ingress: [
    {
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx-controller" } } }],
      ports: [{ protocol: "TCP", port }],
    },
  ],
});
const desired = (name: string, port = 8080): NormalizedPolicy =>
  normalizePolicy(
    manifest(name, spec(port), { labels: { team: "payments-platform-team" } }),
    "shop",
    { file: `shop/${name}.yaml`, line: 1 },
    opts,
  );
const live = (name: string, port = 8080): NormalizedPolicy =>
  normalizerFor(opts)(
    serverPolicy("shop", name, spec(port), {
      labels: { team: "payments-platform-team" },
      lastApplied: manifest(name, spec(port)),
    }),
  );

describe("in-sync pairs are settled before any deep diff", () => {
  it("a policy and its server-stored copy are the same; an edited port or another name is not", () => {
    expect(sameComparable(desired("a"), live("a"))).toBe(true);
    expect(sameComparable(desired("a"), live("a", 8443))).toBe(false);
    expect(sameComparable(desired("a"), live("b"))).toBe(false);
  });

  it("plain-JSON equality: key order is no difference, list order, a missing key or a changed type is", () => {
    expect(equalJson({ a: 1, b: [1, "x", { c: null }] }, { b: [1, "x", { c: null }], a: 1 })).toBe(true);
    expect(equalJson([1, 2], [2, 1])).toBe(false);
    expect(equalJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(equalJson({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(equalJson({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(equalJson(Object.freeze({}), {})).toBe(true);
    expect(equalJson({ "10": "x", "9": "y" }, { "9": "y", "10": "x" })).toBe(true);
    expect(equalJson({ a: undefined }, { b: undefined })).toBe(false);
    expect(equalJson({ a: 1 }, { a: "1" })).toBe(false);
    expect(equalJson([], {})).toBe(false);
    expect(equalJson(null, {})).toBe(false);
  });

  it("a label only one side has is a difference", () => {
    const l = live("a");
    expect(sameComparable(desired("a"), { ...l, labels: { ...l.labels, extra: "x" } })).toBe(false);
  });

  it("shareInSync gives in-sync live policies the desired objects, leaves drifted ones and its inputs alone", () => {
    const d = [desired("a"), desired("b")];
    const before = [live("a"), live("b", 9090), live("c")];
    const snapshot = structuredClone(before);
    const shared = shareInSync(d, before);
    expect(shared[0]?.spec).toBe(d[0]?.spec);
    expect(shared[0]?.labels).toBe(d[0]?.labels);
    expect(shared[0]?.managers).toBe(before[0]?.managers); // who changed it stays the live side's
    expect(shared[1]).toBe(before[1]);
    expect(shared[2]).toBe(before[2]);
    expect(before).toEqual(snapshot);
    const result = compare(d, shared, []);
    expect(result.summary).toEqual({ desired: 2, live: 3, inSync: 1, missing: 0, unmanaged: 1, modified: 1 });
    expect(result.drift.find((x) => x.name === "b")?.changes.map((c) => c.path)).toEqual([
      "spec.ingress[0].ports[0].port",
    ]);
  });
});

describe("string table", () => {
  it("interning changes no value and hands out one copy per distinct string", () => {
    const table = new StringTable();
    const a = live("a");
    const copy = structuredClone(a);
    expect(internPolicy(a, table)).toEqual(copy);
    const b = internPolicy(live("b"), table);
    expect(table.intern("payments-platform-team")).toBe(b.labels.team);
    expect(table.size).toBeGreaterThan(0);
  });
});
