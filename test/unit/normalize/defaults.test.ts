import { describe, expect, it } from "vitest";
import { normalizeSpec } from "../../../src/normalize/index.js";
import { changesBetween } from "../../fixtures/both-sides.js";
import type { Json } from "../../fixtures/server-shaped.js";

// API server defaults and omitempty. Each row: the spec as written in git, the spec as the server stores it,
// and the exact changes expected (none when the two mean the same). Every rule has a row each way.

const api = { matchLabels: { app: "api" } };
const web = { podSelector: { matchLabels: { app: "web" } } };

interface Row {
  rule: string;
  desired: Json;
  live: Json;
  changes: { path: string; desired?: unknown; live?: unknown }[];
}

const rows: Row[] = [
  // policyTypes defaulting
  {
    rule: "policyTypes absent, ingress only: server fills [Ingress]",
    desired: { podSelector: api, ingress: [{ from: [web] }] },
    live: { podSelector: api, ingress: [{ from: [web] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "policyTypes absent but live also isolates egress: caught",
    desired: { podSelector: api, ingress: [{ from: [web] }] },
    live: { podSelector: api, ingress: [{ from: [web] }], policyTypes: ["Ingress", "Egress"] },
    changes: [{ path: "spec.policyTypes[1]", live: "Egress" }],
  },
  {
    rule: "policyTypes absent with an egress rule: server fills [Ingress, Egress]",
    desired: { podSelector: api, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] },
    live: {
      podSelector: api,
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }],
      policyTypes: ["Ingress", "Egress"],
    },
    changes: [],
  },
  {
    rule: "policyTypes absent with an egress rule, live isolates egress only: caught",
    desired: { podSelector: api, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] },
    live: { podSelector: api, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }], policyTypes: ["Egress"] },
    changes: [{ path: "spec.policyTypes[1]", desired: "Ingress" }],
  },
  {
    rule: "policyTypes: [] is absent",
    desired: { podSelector: api, policyTypes: [], ingress: [{ from: [web] }] },
    live: { podSelector: api, ingress: [{ from: [web] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "egress: [] adds no Egress type",
    desired: { podSelector: {}, egress: [] },
    live: { podSelector: {}, policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "egress: [{}] (allow all) removed live, deny-all egress left: caught",
    desired: { podSelector: {}, egress: [{}] },
    live: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    changes: [{ path: "spec.egress", desired: [{}] }],
  },
  {
    rule: "duplicate policyTypes are one type",
    desired: { podSelector: api, policyTypes: ["Ingress", "Ingress"] },
    live: { podSelector: api, policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "duplicate policyTypes vs a real second type: caught",
    desired: { podSelector: api, policyTypes: ["Ingress", "Ingress"] },
    live: { podSelector: api, policyTypes: ["Ingress", "Egress"] },
    changes: [{ path: "spec.policyTypes[1]", live: "Egress" }],
  },
  // protocol defaulting
  {
    rule: "protocol absent is TCP",
    desired: { podSelector: api, ingress: [{ ports: [{ port: 8080 }] }] },
    live: { podSelector: api, ingress: [{ ports: [{ port: 8080, protocol: "TCP" }] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "protocol absent vs UDP live: caught",
    desired: { podSelector: api, ingress: [{ ports: [{ port: 53 }] }] },
    live: { podSelector: api, ingress: [{ ports: [{ port: 53, protocol: "UDP" }] }], policyTypes: ["Ingress"] },
    changes: [{ path: "spec.ingress[0].ports[0].protocol", desired: "TCP", live: "UDP" }],
  },
  {
    rule: "a port entry without a port is every TCP port",
    desired: { podSelector: api, ingress: [{ ports: [{}] }] },
    live: { podSelector: api, ingress: [{ ports: [{ protocol: "TCP" }] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "ports: [{}] (every TCP port) is not ports absent (every port): caught",
    desired: { podSelector: api, ingress: [{ ports: [{}] }] },
    live: { podSelector: api, ingress: [{}], policyTypes: ["Ingress"] },
    changes: [{ path: "spec.ingress[0].ports", desired: [{ protocol: "TCP" }] }],
  },
  {
    rule: "a named port stays a name",
    desired: { podSelector: api, ingress: [{ ports: [{ port: "http" }] }] },
    live: { podSelector: api, ingress: [{ ports: [{ port: "http", protocol: "TCP" }] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "a named port replaced by a number: caught",
    desired: { podSelector: api, ingress: [{ ports: [{ port: "http" }] }] },
    live: { podSelector: api, ingress: [{ ports: [{ port: 8080, protocol: "TCP" }] }], policyTypes: ["Ingress"] },
    changes: [{ path: "spec.ingress[0].ports[0].port", desired: "http", live: 8080 }],
  },
  {
    rule: "endPort widened live: caught",
    desired: { podSelector: api, egress: [{ ports: [{ port: 32000, endPort: 32100 }] }] },
    live: {
      podSelector: api,
      egress: [{ ports: [{ port: 32000, endPort: 32768, protocol: "TCP" }] }],
      policyTypes: ["Ingress", "Egress"],
    },
    changes: [{ path: "spec.egress[0].ports[0].endPort", desired: 32100, live: 32768 }],
  },
  // podSelector and selectors
  {
    rule: "spec.podSelector absent is {}",
    desired: { ingress: [{ from: [web] }] },
    live: { podSelector: {}, ingress: [{ from: [web] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "spec.podSelector absent vs a narrowed live selector: caught",
    desired: { ingress: [{ from: [web] }] },
    live: { podSelector: api, ingress: [{ from: [web] }], policyTypes: ["Ingress"] },
    changes: [{ path: "spec.podSelector.matchLabels", live: { app: "api" } }],
  },
  {
    rule: "empty matchLabels and matchExpressions are none",
    desired: { podSelector: { matchLabels: {}, matchExpressions: [] }, policyTypes: ["Ingress"] },
    live: { podSelector: {}, policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "podSelector: null is {}",
    desired: { podSelector: null, policyTypes: ["Ingress"] },
    live: { podSelector: {}, policyTypes: ["Ingress"] },
    changes: [],
  },
  // omitempty on rules
  {
    rule: "ingress: [] is ingress absent (deny all)",
    desired: { podSelector: api, ingress: [] },
    live: { podSelector: api, policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "ingress: [{}] (allow all) equals itself",
    desired: { podSelector: api, ingress: [{}] },
    live: { podSelector: api, ingress: [{}], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "ingress: [{}] (allow all) is not ingress: [] (deny all): caught",
    desired: { podSelector: api, ingress: [{}] },
    live: { podSelector: api, policyTypes: ["Ingress"] },
    changes: [{ path: "spec.ingress", desired: [{}] }],
  },
  {
    rule: "ingress: [{from: [], ports: []}] is ingress: [{}]",
    desired: { podSelector: api, ingress: [{ from: [], ports: [] }] },
    live: { podSelector: api, ingress: [{}], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "from: [{podSelector: {}}] (own namespace) is not from absent (everyone): caught",
    desired: { podSelector: api, ingress: [{ from: [{ podSelector: {} }] }] },
    live: { podSelector: api, ingress: [{}], policyTypes: ["Ingress"] },
    changes: [{ path: "spec.ingress[0].from", desired: [{ podSelector: {} }] }],
  },
];

describe("normalisation: API server defaults and omitempty", () => {
  it.each(rows)("$rule", ({ desired, live, changes }) => {
    expect(changesBetween(desired, live)).toEqual(changes);
  });

  it("writes the defaults out in the normalised spec", () => {
    expect(normalizeSpec({ egress: [{ ports: [{ port: 53 }, { port: 53, protocol: "UDP" }] }] })).toEqual({
      podSelector: {},
      policyTypes: ["Egress", "Ingress"],
      egress: [
        {
          ports: [
            { protocol: "TCP", port: 53 },
            { protocol: "UDP", port: 53 },
          ],
        },
      ],
    });
  });

  it("keeps an empty object inside a list and drops an empty list", () => {
    expect(normalizeSpec({ ingress: [{}], egress: [] })).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{}],
    });
    expect(normalizeSpec({ ingress: [{ from: [] }] })).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{}],
    });
  });
});
