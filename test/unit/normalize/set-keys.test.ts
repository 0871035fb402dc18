import { describe, expect, it } from "vitest";
import { asSortedSet, canonicalJson } from "../../../src/normalize/canonical.js";
import { normalizeSpec } from "../../../src/normalize/spec.js";
import type { EgressRule, IngressRule, Peer, Port, Selector } from "../../../src/model/types.js";
import { sameComparable } from "../../../src/compare/same.js";
import { normalizePolicy } from "../../../src/normalize/policy.js";
import {
  comparableKey,
  egressRuleKey,
  ingressRuleKey,
  peerKey,
  portKey,
  requirementKey,
  specKey,
} from "../../../src/normalize/set-keys.js";

// The shape-aware writers must give canonicalJson's text for every normalised element, or sets would sort
// (and deduplicate) differently than before.
const selectors: Selector[] = [
  {},
  { matchLabels: { app: "web" } },
  { matchLabels: { b: "2", a: "1", "10": "x", "9": "y", é: 'q"uote', "x\\y": "\u0001" } },
  { matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }], matchLabels: { app: "x" } },
  { matchExpressions: [{ key: "tier", operator: "Exists" }] },
];

describe("canonical keys of normalised set elements", () => {
  it("equal canonicalJson for every shape, whatever the labels hold", () => {
    const peers: Peer[] = [
      ...selectors.map((s) => ({ podSelector: s })),
      ...selectors.map((s) => ({ namespaceSelector: s, podSelector: selectors[1] })),
      { ipBlock: { cidr: "10.0.0.0/8" } },
      { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.0.0/16"] } },
      {},
    ];
    const ports: Port[] = [
      { protocol: "TCP" },
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: "http" },
      { protocol: "SCTP", port: 1000, endPort: 2000 },
    ];
    for (const p of peers) expect(peerKey(p)).toBe(canonicalJson(p));
    for (const p of ports) expect(portKey(p)).toBe(canonicalJson(p));
    for (const s of selectors)
      for (const r of s.matchExpressions ?? []) expect(requirementKey(r)).toBe(canonicalJson(r));
    const rules: IngressRule[] = [{}, { from: peers.slice(0, 3) }, { ports }, { from: peers, ports: ports.slice(1) }];
    for (const r of rules) expect(ingressRuleKey(r)).toBe(canonicalJson(r));
    for (const r of rules.map(({ from, ...rest }): EgressRule => (from ? { ...rest, to: from } : rest)))
      expect(egressRuleKey(r)).toBe(canonicalJson(r));
  });

  it("sort and deduplicate sets as canonicalJson does", () => {
    const raw = {
      podSelector: { matchLabels: { b: "2", "10": "x", a: "1" } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: "b" } } }, { podSelector: { matchLabels: { app: "a" } } }] },
        { ports: [{ port: 80 }, { port: 443 }, { protocol: "UDP", port: 53 }, { port: 80 }] },
        { from: [{ podSelector: { matchLabels: { app: "b" } } }, { podSelector: { matchLabels: { app: "a" } } }] },
        {},
      ],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }, { ports: [{ port: 53, protocol: "UDP" }] }],
    };
    const spec = normalizeSpec(raw);
    const bySlowKeys = (xs: unknown[]) => asSortedSet(xs, canonicalJson);
    expect(spec.ingress).toEqual(bySlowKeys(spec.ingress ?? []));
    expect(spec.egress).toEqual(bySlowKeys(spec.egress ?? []));
    expect(spec.ingress).toHaveLength(3);
    expect(spec.ingress?.[1]?.ports).toEqual(bySlowKeys(spec.ingress?.[1]?.ports ?? []));
    expect(Object.keys(spec.podSelector.matchLabels ?? {})).toEqual(["10", "a", "b"]);
  });
});

// The capture's reader thread hands over sha256(comparableKey(p)) instead of the policy, and an equal hash
// takes the desired policy for the live one: the key must be equal exactly when sameComparable holds, or
// drift would read as "in sync" (or the other way round).
describe("comparableKey: one text per comparable policy", () => {
  const rawSpecs: Record<string, unknown>[] = [
    {},
    { podSelector: {}, policyTypes: ["Ingress"] },
    { podSelector: { matchLabels: { app: "web", "10": "x", "9": "y" } }, ingress: [{}] },
    {
      podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a", "b"] }] },
      policyTypes: ["Egress", "Ingress"],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: "b" } }, namespaceSelector: {} },
            { ipBlock: { cidr: "10.0.0.0/8" } },
          ],
        },
        { ports: [{ port: 80 }, { port: "http", protocol: "UDP" }, { port: 1000, endPort: 2000, protocol: "SCTP" }] },
      ],
      egress: [
        { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16", "10.1.0.0/16"] } }], ports: [{ port: 53 }] },
        {},
      ],
    },
    { podSelector: { matchLabels: { 'q"uote': "\\", é: "\u2028" } }, egress: [{ to: [{ podSelector: {} }] }] },
  ];

  it("specKey is the canonical JSON of a normalised spec", () => {
    for (const raw of rawSpecs) {
      const spec = normalizeSpec(raw);
      expect(specKey(spec)).toBe(canonicalJson(spec));
    }
  });

  it("is equal for two policies exactly when sameComparable holds", () => {
    const opts = { ignoreLabels: ["ignored"], compareAnnotations: ["*"] };
    const ingress = [
      { from: [{ podSelector: { matchLabels: { app: "a" } } }], ports: [{ port: 80 }] },
      { ports: [{ port: 443 }] },
    ];
    const base = { podSelector: {}, ingress };
    const variants: [string, { labels?: unknown; annotations?: unknown; spec: unknown }][] = [
      ["base", { labels: { a: "1", b: "2" }, spec: base }],
      ["labels in another order", { labels: { b: "2", a: "1" }, spec: base }],
      ["an ignored label", { labels: { a: "1", b: "2", ignored: "x" }, spec: base }],
      ["a label value", { labels: { a: "1", b: "3" }, spec: base }],
      ["a label that reads as a JSON seam", { labels: { a: '1","b":"2' }, spec: base }],
      ["integer-like label keys", { labels: { a: "1", b: "2", "10": "x", "9": "y" }, spec: base }],
      ["integer-like label keys, other order", { labels: { "9": "y", b: "2", "10": "x", a: "1" }, spec: base }],
      ["an empty label value", { labels: { a: "1", b: "" }, spec: base }],
      ["a null label value", { labels: { a: "1", b: null }, spec: base }],
      ["empty annotations", { labels: { a: "1", b: "2" }, annotations: {}, spec: base }],
      ["an empty annotation", { labels: { a: "1", b: "2" }, annotations: { x: "" }, spec: base }],
      ["an annotation holding the labels' text", { labels: { a: "1" }, annotations: { b: "2" }, spec: base }],
      ["policyTypes given", { labels: { a: "1", b: "2" }, spec: { ...base, policyTypes: ["Ingress"] } }],
      [
        "port as a string",
        {
          labels: { a: "1", b: "2" },
          spec: { ...base, ingress: [{ ...ingress[0], ports: [{ port: "80" }] }, ingress[1]] },
        },
      ],
      [
        "protocol given",
        {
          labels: { a: "1", b: "2" },
          spec: { ...base, ingress: [{ ...ingress[0], ports: [{ port: 80, protocol: "TCP" }] }, ingress[1]] },
        },
      ],
      [
        "an endPort",
        {
          labels: { a: "1", b: "2" },
          spec: { ...base, ingress: [{ ...ingress[0], ports: [{ port: 80, endPort: 90 }] }, ingress[1]] },
        },
      ],
      ["rules in another order", { labels: { a: "1", b: "2" }, spec: { ...base, ingress: [ingress[1], ingress[0]] } }],
      ["both policy types", { labels: { a: "1", b: "2" }, spec: { ...base, policyTypes: ["Ingress", "Egress"] } }],
      [
        "both policy types, other order",
        { labels: { a: "1", b: "2" }, spec: { ...base, policyTypes: ["Egress", "Ingress"] } },
      ],
      [
        "an except",
        {
          labels: {},
          spec: {
            podSelector: {},
            egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.0.0/16"] } }] }],
          },
        },
      ],
      [
        "an except, other order",
        {
          labels: {},
          spec: {
            podSelector: {},
            egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16", "10.1.0.0/16"] } }] }],
          },
        },
      ],
      [
        "an except of one",
        {
          labels: {},
          spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16"] } }] }] },
        },
      ],
      [
        "two selectors in one peer (AND)",
        { spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] } },
      ],
      [
        "two peers (OR)",
        { spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: {} }] }] } },
      ],
      ["no ingress rules", { spec: { podSelector: {}, ingress: [] } }],
      ["ingress absent", { spec: { podSelector: {} } }],
      ["allow all ingress", { spec: { podSelector: {}, ingress: [{}] } }],
      ["an empty matchLabels", { spec: { podSelector: { matchLabels: {} } } }],
    ];
    const policies = variants.map(([what, v]) => ({
      what,
      p: normalizePolicy(
        { metadata: { name: "web", namespace: "shop", labels: v.labels, annotations: v.annotations }, spec: v.spec },
        "shop",
        {},
        opts,
      ),
    }));
    let equal = 0;
    for (const a of policies)
      for (const b of policies) {
        const same = sameComparable(a.p, b.p);
        if (same && a !== b) equal++;
        expect(comparableKey(a.p) === comparableKey(b.p), `${a.what} / ${b.what}`).toBe(same);
        expect(specKey(a.p.spec)).toBe(canonicalJson(a.p.spec));
      }
    // Not vacuous: some variants are the same policy written another way, most are not.
    expect(equal).toBeGreaterThanOrEqual(20);
    expect(equal).toBeLessThan((policies.length * (policies.length - 1)) / 2);
  });
});
