// Every NetworkPolicy rule the analysis implements, as a table, each stated once on the receiver's ingress
// and once on the sender's egress. The expected verdicts follow the Kubernetes API reference for
// networking.k8s.io/v1 NetworkPolicy (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
import { describe, expect, it } from "vitest";
import { evaluate } from "../../../src/analyse/eval.js";
import type { Protocol } from "../../../src/model/types.js";
import { pol, workloads } from "./helpers.js";

const PORTS = [
  { name: "http", port: 8080, protocol: "TCP" as const },
  { name: "metrics", port: 9090, protocol: "TCP" as const },
  { name: "dns", port: 53, protocol: "UDP" as const },
  { name: "sig", port: 7000, protocol: "SCTP" as const },
];
const W = workloads({
  a: {
    labels: { team: "a" },
    pods: {
      web: { labels: { app: "web" }, ports: PORTS, ips: ["10.1.0.1"] },
      db: { labels: { app: "db" }, ports: PORTS, ips: ["10.1.0.2"] },
    },
  },
  b: {
    labels: { team: "b" },
    pods: {
      web: { labels: { app: "web" }, ports: PORTS, ips: ["10.2.0.1"] },
      cli: { labels: { app: "cli" }, ports: PORTS, ips: ["10.2.0.2"] },
    },
  },
});

interface Case {
  name: string;
  /** The other end: the source for the ingress variant, the destination for the egress variant. */
  other: string;
  peers?: unknown[];
  ports?: unknown[];
  /** Overrides the whole rule list (e.g. `[]` or `[{}]`). */
  rules?: unknown[];
  port: number;
  protocol?: Protocol;
  allowed: boolean;
  ipBlockMatchesPods?: boolean;
}

const CASES: Case[] = [
  {
    name: "podSelector alone selects in the policy's own namespace",
    other: "a/db",
    peers: [{ podSelector: { matchLabels: { app: "db" } } }],
    port: 80,
    allowed: true,
  },
  {
    name: "podSelector alone never selects another namespace",
    other: "b/cli",
    peers: [{ podSelector: { matchLabels: { app: "cli" } } }],
    port: 80,
    allowed: false,
  },
  {
    name: "empty podSelector alone = every pod of the own namespace",
    other: "a/db",
    peers: [{ podSelector: {} }],
    port: 80,
    allowed: true,
  },
  {
    name: "namespaceSelector {} = every namespace",
    other: "b/cli",
    peers: [{ namespaceSelector: {} }],
    port: 80,
    allowed: true,
  },
  {
    name: "namespaceSelector {} does not select external IPs",
    other: "203.0.113.5",
    peers: [{ namespaceSelector: {} }],
    port: 80,
    allowed: false,
  },
  {
    name: "namespaceSelector and podSelector in one peer = AND (both match)",
    other: "b/cli",
    peers: [{ namespaceSelector: { matchLabels: { team: "b" } }, podSelector: { matchLabels: { app: "cli" } } }],
    port: 80,
    allowed: true,
  },
  {
    name: "namespaceSelector and podSelector in one peer = AND (only the namespace matches)",
    other: "b/web",
    peers: [{ namespaceSelector: { matchLabels: { team: "b" } }, podSelector: { matchLabels: { app: "cli" } } }],
    port: 80,
    allowed: false,
  },
  {
    name: "namespaceSelector and podSelector in one peer = AND (only the pod matches)",
    other: "a/db",
    peers: [{ namespaceSelector: { matchLabels: { team: "b" } }, podSelector: { matchLabels: { app: "db" } } }],
    port: 80,
    allowed: false,
  },
  {
    name: "separate peers = OR (namespace peer)",
    other: "b/web",
    peers: [{ namespaceSelector: { matchLabels: { team: "b" } } }, { podSelector: { matchLabels: { app: "cli" } } }],
    port: 80,
    allowed: true,
  },
  {
    name: "separate peers = OR (pod peer, own namespace)",
    other: "a/db",
    peers: [{ namespaceSelector: { matchLabels: { team: "b" } } }, { podSelector: { matchLabels: { app: "db" } } }],
    port: 80,
    allowed: true,
  },
  {
    name: "matchExpressions NotIn on the namespace name",
    other: "b/cli",
    peers: [
      {
        namespaceSelector: {
          matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["a"] }],
        },
      },
    ],
    port: 80,
    allowed: true,
  },
  { name: "missing from/to = every pod", other: "b/cli", rules: [{ ports: [{ port: 80 }] }], port: 80, allowed: true },
  {
    name: "missing from/to = external IPs too",
    other: "198.51.100.7",
    rules: [{ ports: [{ port: 80 }] }],
    port: 80,
    allowed: true,
  },
  {
    name: "rule list [{}] allows everything",
    other: "198.51.100.7",
    rules: [{}],
    port: 5,
    protocol: "SCTP",
    allowed: true,
  },
  { name: "rule list [] allows nothing", other: "a/db", rules: [], port: 80, allowed: false },
  {
    name: "missing ports = every port and protocol",
    other: "a/db",
    peers: [{ podSelector: {} }],
    port: 5353,
    protocol: "UDP",
    allowed: true,
  },
  {
    name: "a port entry with only a protocol = every port of it",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ protocol: "UDP" }],
    port: 9999,
    protocol: "UDP",
    allowed: true,
  },
  {
    name: "a port entry with only a protocol excludes the others",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ protocol: "UDP" }],
    port: 9999,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "endPort is inclusive",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: 8000, endPort: 8080 }],
    port: 8080,
    allowed: true,
  },
  {
    name: "endPort: one past the end",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: 8000, endPort: 8080 }],
    port: 8081,
    allowed: false,
  },
  {
    name: "endPort: the start",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: 8000, endPort: 8080 }],
    port: 8000,
    allowed: true,
  },
  {
    name: "named port resolves on the destination's container port",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: "http" }],
    port: 8080,
    allowed: true,
  },
  {
    name: "named port does not allow other ports",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: "http" }],
    port: 9090,
    allowed: false,
  },
  {
    name: "named port with another protocol does not resolve",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: "http", protocol: "UDP" }],
    port: 8080,
    protocol: "UDP",
    allowed: false,
  },
  {
    name: "unresolved named port matches nothing",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: "nope" }],
    port: 8080,
    allowed: false,
  },
  {
    name: "named UDP port",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: "dns", protocol: "UDP" }],
    port: 53,
    protocol: "UDP",
    allowed: true,
  },
  {
    name: "SCTP rule allows SCTP",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: 7000, protocol: "SCTP" }],
    port: 7000,
    protocol: "SCTP",
    allowed: true,
  },
  {
    name: "SCTP rule does not allow TCP on the same port",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: 7000, protocol: "SCTP" }],
    port: 7000,
    allowed: false,
  },
  {
    name: "SCTP rule does not allow UDP on the same port",
    other: "a/db",
    peers: [{ podSelector: {} }],
    ports: [{ port: 7000, protocol: "SCTP" }],
    port: 7000,
    protocol: "UDP",
    allowed: false,
  },
  {
    name: "ipBlock matches an address inside",
    other: "203.0.113.5",
    peers: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }],
    port: 443,
    allowed: true,
  },
  {
    name: "ipBlock except carves an address out",
    other: "203.0.113.200",
    peers: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }],
    port: 443,
    allowed: false,
  },
  {
    name: "ipBlock outside the cidr",
    other: "198.51.100.1",
    peers: [{ ipBlock: { cidr: "203.0.113.0/24" } }],
    port: 443,
    allowed: false,
  },
  {
    name: "ipBlock IPv6",
    other: "2001:db8::5",
    peers: [{ ipBlock: { cidr: "2001:db8::/64" } }],
    port: 443,
    allowed: true,
  },
  {
    name: "ipBlock never matches a pod by default",
    other: "b/cli",
    peers: [{ ipBlock: { cidr: "10.0.0.0/8" } }],
    port: 443,
    allowed: false,
  },
  {
    name: "ipBlock matches a pod IP when the setting says so",
    other: "b/cli",
    peers: [{ ipBlock: { cidr: "10.0.0.0/8" } }],
    port: 443,
    allowed: true,
    ipBlockMatchesPods: true,
  },
  {
    name: "ipBlock except also applies to pod IPs",
    other: "b/cli",
    peers: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16"] } }],
    port: 443,
    allowed: false,
    ipBlockMatchesPods: true,
  },
];

function run(c: Case, variant: "ingress" | "egress") {
  const rules = c.rules ?? [
    {
      ...(c.peers ? { [variant === "ingress" ? "from" : "to"]: c.peers } : {}),
      ...(c.ports ? { ports: c.ports } : {}),
    },
  ];
  const policy = pol("a", "p", {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: [variant === "ingress" ? "Ingress" : "Egress"],
    [variant]: rules,
  });
  const [from, to] = variant === "ingress" ? [c.other, "a/web"] : ["a/web", c.other];
  return evaluate(
    [policy],
    W,
    { from, to, port: c.port, protocol: c.protocol ?? "TCP" },
    { ipBlockMatchesPods: c.ipBlockMatchesPods ?? false },
  );
}

describe.each(["ingress", "egress"] as const)("semantics, stated on the %s side", (variant) => {
  it.each(CASES)("$name", (c) => {
    const r = run(c, variant);
    expect(r.allowed).toBe(c.allowed);
    const decided = variant === "ingress" ? r.ingress : r.egress;
    expect(decided.isolated).toBe(true);
    expect(decided.rules.length > 0).toBe(c.allowed);
  });
});

describe("isolation and defaults", () => {
  const web = { podSelector: { matchLabels: { app: "web" } } };
  it("a pod selected by no policy of a direction is open in it (ingress)", () => {
    const r = evaluate(
      [pol("a", "db-only", { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"] })],
      W,
      { from: "b/cli", to: "a/web", port: 1, protocol: "TCP" },
      { ipBlockMatchesPods: false },
    );
    expect(r.allowed).toBe(true);
    expect(r.ingress.reason).toMatch(/not selected by any policy/);
  });
  it("a pod selected by no policy of a direction is open in it (egress: an Ingress-only policy does not isolate egress)", () => {
    const r = evaluate(
      [pol("a", "in", { ...web, policyTypes: ["Ingress"] })],
      W,
      { from: "a/web", to: "b/cli", port: 1, protocol: "TCP" },
      { ipBlockMatchesPods: false },
    );
    expect(r.allowed).toBe(true);
    expect(r.egress.isolated).toBe(false);
  });
  it("policyTypes default: no policyTypes and no rules = [Ingress] (isolates ingress, not egress)", () => {
    const p = pol("a", "p", { ...web });
    expect(
      evaluate([p], W, { from: "b/cli", to: "a/web", port: 80, protocol: "TCP" }, { ipBlockMatchesPods: false })
        .allowed,
    ).toBe(false);
    expect(
      evaluate([p], W, { from: "a/web", to: "b/cli", port: 80, protocol: "TCP" }, { ipBlockMatchesPods: false })
        .allowed,
    ).toBe(true);
  });
  it("policyTypes default: egress rules present = [Ingress, Egress] (the empty ingress list isolates)", () => {
    const p = pol("a", "p", { ...web, egress: [{ to: [{ namespaceSelector: {} }] }] });
    expect(
      evaluate([p], W, { from: "b/cli", to: "a/web", port: 80, protocol: "TCP" }, { ipBlockMatchesPods: false })
        .allowed,
    ).toBe(false);
    expect(
      evaluate([p], W, { from: "a/web", to: "b/cli", port: 80, protocol: "TCP" }, { ipBlockMatchesPods: false })
        .allowed,
    ).toBe(true);
    expect(
      evaluate([p], W, { from: "a/web", to: "192.0.2.1", port: 80, protocol: "TCP" }, { ipBlockMatchesPods: false })
        .allowed,
    ).toBe(false);
  });
  it.each(["ingress", "egress"] as const)("policies are additive (%s)", (dir) => {
    const key = dir === "ingress" ? "from" : "to";
    const t = dir === "ingress" ? "Ingress" : "Egress";
    const p1 = pol("a", "p1", {
      ...web,
      policyTypes: [t],
      [dir]: [{ [key]: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 80 }] }],
    });
    const p2 = pol("a", "p2", {
      ...web,
      policyTypes: [t],
      [dir]: [{ [key]: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 443 }] }],
    });
    const q = (port: number) =>
      evaluate(
        [p1, p2],
        W,
        dir === "ingress"
          ? { from: "a/db", to: "a/web", port, protocol: "TCP" }
          : { from: "a/web", to: "a/db", port, protocol: "TCP" },
        { ipBlockMatchesPods: false },
      );
    expect(q(80).allowed).toBe(true);
    expect(q(443).allowed).toBe(true);
    expect(q(8080).allowed).toBe(false);
    expect((dir === "ingress" ? q(443).ingress : q(443).egress).rules.map((r) => r.policy)).toEqual(["p2"]);
  });
  it("both ends must allow: egress allowed, ingress denied", () => {
    const out = pol("a", "out", { ...web, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] });
    const deny = pol("b", "deny", { podSelector: {}, policyTypes: ["Ingress"] });
    const r = evaluate(
      [out, deny],
      W,
      { from: "a/web", to: "b/cli", port: 80, protocol: "TCP" },
      { ipBlockMatchesPods: false },
    );
    expect(r.allowed).toBe(false);
    expect(r.egress.allowed).toBe(true);
    expect(r.ingress.allowed).toBe(false);
    expect(r.ingress.reason).toBe("selected by b/deny; no rule allows TCP 80 from the source");
  });
  it("both ends must allow: ingress allowed, egress denied", () => {
    const deny = pol("a", "deny", { podSelector: {}, policyTypes: ["Egress"] });
    const open = pol("b", "in", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] });
    const r = evaluate(
      [deny, open],
      W,
      { from: "a/web", to: "b/cli", port: 80, protocol: "TCP" },
      { ipBlockMatchesPods: false },
    );
    expect([r.allowed, r.egress.allowed, r.ingress.allowed]).toEqual([false, false, true]);
  });
  it("an external source has no egress side; an external destination has no ingress side", () => {
    const r = evaluate(
      [],
      W,
      { from: "192.0.2.1", to: "a/web", port: 80, protocol: "TCP" },
      { ipBlockMatchesPods: false },
    );
    expect(r.egress.reason).toMatch(/outside the cluster/);
    expect(r.allowed).toBe(true);
  });
});
