// The upstream Kubernetes NetworkPolicy e2e truth tables, reproduced from their published expectations:
// kubernetes/kubernetes test/e2e/network/netpol/network_policy.go (the `reachability.Expect*` calls of each
// `f.It`). Pods are x/a, x/b, … labelled pod=<name>; namespaces carry kubernetes.io/metadata.name; container
// ports are named serve-<port>-<protocol> as in the e2e model (model.go). Loopback is ignored, as upstream.
import { describe, expect, it } from "vitest";
import { evaluate } from "../../../src/analyse/eval.js";
import type { ContainerPort } from "../../../src/model/workloads.js";
import type { Protocol } from "../../../src/model/types.js";
import { pol, workloads } from "./helpers.js";

type Peer = { ns?: string; pod?: string };

class Reachability {
  private readonly m = new Map<string, boolean>();
  constructor(readonly pods: string[]) {
    for (const a of pods) for (const b of pods) this.m.set(`${a}>${b}`, true);
  }
  expect(from: string, to: string, v: boolean) {
    this.m.set(`${from}>${to}`, v);
  }
  expectPeer(from: Peer, to: Peer, v: boolean) {
    const hit = (pod: string, p: Peer) =>
      (!p.ns || pod.startsWith(`${p.ns}/`)) && (!p.pod || pod.endsWith(`/${p.pod}`));
    for (const a of this.pods) for (const b of this.pods) if (hit(a, from) && hit(b, to)) this.expect(a, b, v);
  }
  expectAllIngress(to: string, v: boolean) {
    for (const a of this.pods) this.expect(a, to, v);
  }
  expectAllEgress(from: string, v: boolean) {
    for (const b of this.pods) this.expect(from, b, v);
  }
  table(): Record<string, boolean> {
    return Object.fromEntries([...this.m].filter(([k]) => k.split(">")[0] !== k.split(">")[1]));
  }
}

function cluster(pods: string[], ports: number[], protocols: Protocol[]) {
  const container: ContainerPort[] = ports.flatMap((port) =>
    protocols.map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, port, protocol })),
  );
  const spec: Record<string, { pods: Record<string, { labels: Record<string, string>; ports: ContainerPort[] }> }> = {};
  for (const p of pods) {
    const [ns, name] = p.split("/") as [string, string];
    spec[ns] ??= { pods: {} };
    spec[ns].pods[name] = { labels: { pod: name }, ports: container };
  }
  return workloads(spec);
}

function actual(
  policies: ReturnType<typeof pol>[],
  pods: string[],
  port: number,
  protocol: Protocol,
  ports = [80, 81],
  protocols: Protocol[] = ["TCP"],
) {
  const w = cluster(pods, ports, protocols);
  const out: Record<string, boolean> = {};
  for (const a of pods)
    for (const b of pods)
      if (a !== b)
        out[`${a}>${b}`] = evaluate(
          policies,
          w,
          { from: a, to: b, port, protocol },
          { ipBlockMatchesPods: false },
        ).allowed;
  return out;
}

const podA = { matchLabels: { pod: "a" } };
const ns = (n: string) => ({ matchLabels: { "kubernetes.io/metadata.name": n } });

describe("upstream e2e truth tables (kubernetes/kubernetes test/e2e/network/netpol/network_policy.go)", () => {
  it("should enforce policy based on PodSelector or NamespaceSelector (separate peers = OR)", () => {
    const pods = ["x/a", "x/b", "x/c", "y/a"];
    const p = pol("x", "allow-ns-y-match-selector", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["x"] }],
              },
            },
            { podSelector: { matchLabels: { pod: "b" } } },
          ],
        },
      ],
    });
    const r = new Reachability(pods);
    r.expect("x/a", "x/a", false);
    r.expect("x/c", "x/a", false);
    expect(actual([p], pods, 80, "TCP")).toEqual(r.table());
  });

  it("should enforce policy based on PodSelector and NamespaceSelector (one peer = AND)", () => {
    const pods = ["x/a", "x/b", "y/a", "y/b", "z/b"];
    const p = pol("x", "allow-ns-y-podselector-and-nsselector", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["x"] }],
              },
              podSelector: { matchLabels: { pod: "b" } },
            },
          ],
        },
      ],
    });
    const r = new Reachability(pods);
    r.expectAllIngress("x/a", false);
    r.expect("y/b", "x/a", true);
    r.expect("z/b", "x/a", true);
    expect(actual([p], pods, 80, "TCP")).toEqual(r.table());
  });

  it("should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)", () => {
    const pods = ["x/a", "y/a", "y/b"];
    const egress = pol("x", "allow-to-ns-y-pod-a", {
      podSelector: podA,
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: ns("y"), podSelector: podA }] }],
    });
    const ingress = [{ from: [{ namespaceSelector: ns("x"), podSelector: podA }] }];
    const inA = pol("y", "allow-from-xa-on-ya-match-selector", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress,
    });
    const inB = pol("y", "allow-from-xa-on-yb-match-selector", {
      podSelector: { matchLabels: { pod: "b" } },
      policyTypes: ["Ingress"],
      ingress,
    });
    const r = new Reachability(pods);
    r.expectPeer({ ns: "x", pod: "a" }, {}, false);
    r.expectPeer({}, { ns: "y", pod: "a" }, false);
    r.expectPeer({ ns: "x", pod: "a" }, { ns: "y", pod: "a" }, true);
    r.expectPeer({}, { ns: "y", pod: "b" }, false);
    expect(actual([egress, inA, inB], pods, 80, "TCP")).toEqual(r.table());
  });

  it("should work with Ingress, Egress specified together (ports 80 and 81)", () => {
    const pods = ["x/a", "x/b", "x/c", "y/a"];
    const p = pol("x", "allow-client-a-via-pod-selector", {
      podSelector: podA,
      policyTypes: ["Egress", "Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }],
      egress: [{ ports: [{ port: 80 }] }],
    });
    const r80 = new Reachability(pods);
    r80.expectAllIngress("x/a", false);
    r80.expect("x/b", "x/a", true);
    expect(actual([p], pods, 80, "TCP")).toEqual(r80.table());
    const r81 = new Reachability(pods);
    r81.expectAllIngress("x/a", false);
    r81.expectAllEgress("x/a", false);
    r81.expect("x/b", "x/a", true);
    expect(actual([p], pods, 81, "TCP")).toEqual(r81.table());
  });

  it("should allow ingress access on one named port", () => {
    const pods = ["x/a", "x/b", "y/a"];
    const p = pol("x", "allow-all", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: "serve-81-tcp" }] }],
    });
    expect(actual([p], pods, 81, "TCP")).toEqual(new Reachability(pods).table());
    const r80 = new Reachability(pods);
    r80.expectPeer({}, { ns: "x" }, false);
    expect(actual([p], pods, 80, "TCP")).toEqual(r80.table());
  });

  it("should allow egress access on one named port", () => {
    const pods = ["x/a", "y/a"];
    const p = pol("x", "allow-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ ports: [{ port: "serve-80-tcp" }] }],
    });
    expect(actual([p], pods, 80, "TCP")).toEqual(new Reachability(pods).table());
    const r81 = new Reachability(pods);
    r81.expectPeer({ ns: "x" }, {}, false);
    expect(actual([p], pods, 81, "TCP")).toEqual(r81.table());
  });

  it("should allow ingress access from namespace on one named port", () => {
    const pods = ["x/a", "x/b", "y/a", "z/a"];
    const p = pol("x", "allow-client-a-via-ns-selector-80", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: ns("y") }], ports: [{ port: "serve-80-tcp", protocol: "TCP" }] }],
    });
    const r = new Reachability(pods);
    r.expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false);
    r.expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false);
    expect(actual([p], pods, 80, "TCP")).toEqual(r.table());
    const fail = new Reachability(pods);
    fail.expectAllIngress("x/a", false);
    expect(actual([p], pods, 81, "TCP")).toEqual(fail.table());
  });

  it("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP'", () => {
    const pods = ["x/a", "y/a"];
    const deny = pol("x", "deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
    const sctp = pol("x", "allow-only-sctp-ingress-on-port-81", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 81, protocol: "SCTP" }] }],
    });
    const r = new Reachability(pods);
    r.expectPeer({}, { ns: "x" }, false);
    expect(actual([deny, sctp], pods, 81, "TCP")).toEqual(r.table());
  });

  it("should properly isolate pods that are selected by a policy allowing SCTP", () => {
    const pods = ["x/a", "y/a"];
    const sctp = pol("x", "allow-only-sctp-ingress-on-port-80", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 80, protocol: "SCTP" }] }],
    });
    const r = new Reachability(pods);
    r.expectAllIngress("x/a", false);
    expect(actual([sctp], pods, 81, "TCP")).toEqual(r.table());
  });

  it("should not allow access by TCP when a policy specifies only UDP", () => {
    const pods = ["x/a", "y/a"];
    const udp = pol("x", "allow-only-udp-ingress-on-port-81", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 81, protocol: "UDP" }] }],
    });
    const r = new Reachability(pods);
    r.expectAllIngress("x/a", false);
    expect(actual([udp], pods, 81, "TCP")).toEqual(r.table());
  });

  it("should enforce ingress policy allowing any port traffic to a server on a specific protocol", () => {
    const pods = ["x/a", "y/a"];
    const p = pol("x", "allow-ingress-by-proto", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP" }] }],
    });
    expect(actual([p], pods, 80, "TCP", [80], ["TCP", "UDP"])).toEqual(new Reachability(pods).table());
    const udp = new Reachability(pods);
    udp.expectPeer({}, { ns: "x", pod: "a" }, false);
    expect(actual([p], pods, 80, "UDP", [80], ["TCP", "UDP"])).toEqual(udp.table());
  });

  it("should enforce policy based on Ports (UDP variant)", () => {
    const pods = ["x/a", "x/b", "y/a", "z/a"];
    const p = pol("x", "allow-ingress-on-port-81-ns-x", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: ns("y") }], ports: [{ port: 81, protocol: "UDP" }] }],
    });
    const r = new Reachability(pods);
    r.expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false);
    r.expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false);
    expect(actual([p], pods, 81, "UDP", [81], ["UDP"])).toEqual(r.table());
  });

  it("should support a 'default-deny-all' policy", () => {
    const pods = ["x/a", "x/b", "y/a"];
    const p = pol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const r = new Reachability(pods);
    r.expectPeer({}, { ns: "x" }, false);
    r.expectPeer({ ns: "x" }, {}, false);
    expect(actual([p], pods, 80, "TCP")).toEqual(r.table());
  });

  it("should enforce except clause while egress access to server in CIDR block (pod IPs, with ipBlockMatchesPods)", () => {
    // Upstream builds the ipBlock from x/b's pod IP; whether an ipBlock matches pod IPs is the CNI's choice,
    // which is why this needs the setting on.
    const w = workloads({
      x: {
        pods: {
          a: { labels: { pod: "a" }, ips: ["10.0.1.1"] },
          b: { labels: { pod: "b" }, ips: ["10.0.1.2"] },
          c: { labels: { pod: "c" }, ips: ["10.0.1.3"] },
        },
      },
    });
    const p = pol("x", "allow-client-a-via-cidr-egress-rule", {
      podSelector: podA,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.2/32"] } }] }],
    });
    const q = (to: string) =>
      evaluate([p], w, { from: "x/a", to, port: 80, protocol: "TCP" }, { ipBlockMatchesPods: true }).allowed;
    expect([q("x/b"), q("x/c")]).toEqual([false, true]);
  });
});
