import { describe, expect, it } from "vitest";
import { asSortedSet, canonicalJson } from "../../../src/normalize/canonical.js";
import { normalizeSpec } from "../../../src/normalize/spec.js";
import type { EgressRule, IngressRule, Peer, Port, Selector } from "../../../src/model/types.js";
import { egressRuleKey, ingressRuleKey, peerKey, portKey, requirementKey } from "../../../src/normalize/set-keys.js";

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
