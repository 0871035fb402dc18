import { describe, expect, it } from "vitest";
import { normalizeSelector } from "../../../src/normalize/index.js";
import { changesBetween } from "../../fixtures/both-sides.js";
import type { Json } from "../../fixtures/server-shaped.js";

// Lists whose order means nothing compare as sets; structure that does mean something (a peer's AND of two
// selectors, which rule a port belongs to) is still caught.

const api = { matchLabels: { app: "api" } };
const ns = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
const pods = (app: string) => ({ podSelector: { matchLabels: { app } } });

interface Row {
  rule: string;
  desired: Json;
  live: Json;
  changes: { path: string; desired?: unknown; live?: unknown }[];
}

const rows: Row[] = [
  {
    rule: "rules in another order",
    desired: { podSelector: api, ingress: [{ from: [pods("web")] }, { from: [pods("cron")] }] },
    live: { podSelector: api, ingress: [{ from: [pods("cron")] }, { from: [pods("web")] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "peers in another order",
    desired: {
      podSelector: api,
      ingress: [{ from: [pods("web"), ns("monitoring"), { ipBlock: { cidr: "10.1.0.0/16" } }] }],
    },
    live: {
      podSelector: api,
      ingress: [{ from: [{ ipBlock: { cidr: "10.1.0.0/16" } }, ns("monitoring"), pods("web")] }],
      policyTypes: ["Ingress"],
    },
    changes: [],
  },
  {
    rule: "ports in another order",
    desired: {
      podSelector: api,
      ingress: [{ ports: [{ port: 8443 }, { port: 8080, protocol: "TCP" }, { port: 53, protocol: "UDP" }] }],
    },
    live: {
      podSelector: api,
      ingress: [
        {
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 8080, protocol: "TCP" },
            { port: 8443, protocol: "TCP" },
          ],
        },
      ],
      policyTypes: ["Ingress"],
    },
    changes: [],
  },
  {
    rule: "ports swapped between two rules: caught",
    desired: {
      podSelector: api,
      ingress: [
        { from: [pods("web")], ports: [{ port: 80 }] },
        { from: [pods("admin")], ports: [{ port: 9090 }] },
      ],
    },
    live: {
      podSelector: api,
      ingress: [
        { from: [pods("web")], ports: [{ port: 9090, protocol: "TCP" }] },
        { from: [pods("admin")], ports: [{ port: 80, protocol: "TCP" }] },
      ],
      policyTypes: ["Ingress"],
    },
    changes: [
      { path: "spec.ingress[0].ports[0].port", desired: 9090, live: 80 },
      { path: "spec.ingress[1].ports[0].port", desired: 80, live: 9090 },
    ],
  },
  {
    rule: "policyTypes in another order",
    desired: { podSelector: api, policyTypes: ["Egress", "Ingress"] },
    live: { podSelector: api, policyTypes: ["Ingress", "Egress"] },
    changes: [],
  },
  {
    rule: "ipBlock except in another order, and except: [] is absent",
    desired: {
      podSelector: api,
      egress: [
        {
          to: [
            { ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16", "10.1.0.0/16"] } },
            { ipBlock: { cidr: "192.168.0.0/16", except: [] } },
          ],
        },
      ],
    },
    live: {
      podSelector: api,
      egress: [
        {
          to: [
            { ipBlock: { cidr: "192.168.0.0/16" } },
            { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.0.0/16"] } },
          ],
        },
      ],
      policyTypes: ["Ingress", "Egress"],
    },
    changes: [],
  },
  {
    rule: "an except entry dropped live: caught",
    desired: {
      podSelector: api,
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16", "10.1.0.0/16"] } }] }],
    },
    live: {
      podSelector: api,
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }] }],
      policyTypes: ["Ingress", "Egress"],
    },
    changes: [{ path: "spec.egress[0].to[0].ipBlock.except[1]", desired: "10.2.0.0/16" }],
  },
  {
    rule: "matchExpressions and their values in another order",
    desired: {
      podSelector: {
        matchExpressions: [
          { key: "tier", operator: "In", values: ["web", "api"] },
          { key: "canary", operator: "DoesNotExist" },
        ],
      },
      policyTypes: ["Ingress"],
    },
    live: {
      podSelector: {
        matchExpressions: [
          { key: "canary", operator: "DoesNotExist" },
          { key: "tier", operator: "In", values: ["api", "web"] },
        ],
      },
      policyTypes: ["Ingress"],
    },
    changes: [],
  },
  {
    rule: "a value added to an In expression: caught",
    desired: {
      podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }] },
      policyTypes: ["Ingress"],
    },
    live: {
      podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["api", "batch", "web"] }] },
      policyTypes: ["Ingress"],
    },
    changes: [{ path: "spec.podSelector.matchExpressions[0].values[2]", live: "batch" }],
  },
  {
    rule: "Exists with values: [] is Exists without values",
    desired: {
      podSelector: { matchExpressions: [{ key: "tier", operator: "Exists", values: [] }] },
      policyTypes: ["Ingress"],
    },
    live: { podSelector: { matchExpressions: [{ key: "tier", operator: "Exists" }] }, policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "Exists changed to DoesNotExist: caught",
    desired: { podSelector: { matchExpressions: [{ key: "tier", operator: "Exists" }] }, policyTypes: ["Ingress"] },
    live: { podSelector: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, policyTypes: ["Ingress"] },
    changes: [{ path: "spec.podSelector.matchExpressions[0].operator", desired: "Exists", live: "DoesNotExist" }],
  },
  {
    rule: "a peer's two selectors in the other key order are the same peer",
    desired: {
      podSelector: api,
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: "web" } }, namespaceSelector: { matchLabels: { team: "shop" } } },
          ],
        },
      ],
    },
    live: {
      podSelector: api,
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { team: "shop" } }, podSelector: { matchLabels: { app: "web" } } },
          ],
        },
      ],
      policyTypes: ["Ingress"],
    },
    changes: [],
  },
  {
    rule: "one peer with both selectors (AND) split into two peers (OR): caught",
    desired: { podSelector: api, ingress: [{ from: [{ ...ns("shop"), ...pods("web") }] }] },
    live: { podSelector: api, ingress: [{ from: [ns("shop"), pods("web")] }], policyTypes: ["Ingress"] },
    changes: [
      { path: "spec.ingress[0].from[0].podSelector", desired: { matchLabels: { app: "web" } } },
      { path: "spec.ingress[0].from[1]", live: pods("web") },
    ],
  },
  {
    rule: "a peer's podSelector {matchLabels: {}} is podSelector {}",
    desired: { podSelector: api, ingress: [{ from: [{ ...ns("shop"), podSelector: { matchLabels: {} } }] }] },
    live: { podSelector: api, ingress: [{ from: [{ ...ns("shop"), podSelector: {} }] }], policyTypes: ["Ingress"] },
    changes: [],
  },
  {
    rule: "podSelector {} added to a namespace peer live: caught (the stored object changed)",
    desired: { podSelector: api, ingress: [{ from: [ns("shop")] }] },
    live: { podSelector: api, ingress: [{ from: [{ ...ns("shop"), podSelector: {} }] }], policyTypes: ["Ingress"] },
    changes: [{ path: "spec.ingress[0].from[0].podSelector", live: {} }],
  },
  {
    rule: "podSelector {} (own namespace) vs namespaceSelector {} (every namespace): caught",
    desired: { podSelector: api, ingress: [{ from: [{ podSelector: {} }] }] },
    live: { podSelector: api, ingress: [{ from: [{ namespaceSelector: {} }] }], policyTypes: ["Ingress"] },
    changes: [
      { path: "spec.ingress[0].from[0].podSelector", desired: {} },
      { path: "spec.ingress[0].from[0].namespaceSelector", live: {} },
    ],
  },
];

describe("normalisation: order-free lists compare as sets", () => {
  it.each(rows)("$rule", ({ desired, live, changes }) => {
    expect(changesBetween(desired, live)).toEqual(changes);
  });

  it("sorts selector expressions and de-duplicates values", () => {
    expect(
      normalizeSelector({
        matchLabels: { b: "2", a: "1" },
        matchExpressions: [
          { key: "z", operator: "NotIn", values: ["y", "x", "y"] },
          { key: "a", operator: "Exists", values: [] },
        ],
      }),
    ).toEqual({
      matchLabels: { a: "1", b: "2" },
      matchExpressions: [
        { key: "a", operator: "Exists" },
        { key: "z", operator: "NotIn", values: ["x", "y"] },
      ],
    });
  });
});
