// netpol-analyzer's golden connectivity diffs (np-guard/netpol-analyzer, pkg/netpol/diff/diff_test.go and the
// expected outputs under tests/<dir>/diff_output_from_<ref1>.txt), reproduced from their published
// expectations. Where the manifests are not published next to the output, they are rebuilt from the
// connlist and diff outputs, as noted per case. Their ref1 is our desired side, ref2 our live side.
import { describe, expect, it } from "vitest";
import { computeEffects } from "../../../src/analyse/effects.js";
import { pol, workloads } from "./helpers.js";

describe("netpol-analyzer golden diffs", () => {
  it("netpol-analysis-example-minimal → netpol-diff-example-minimal: a `ports` list slipped into its own rule", () => {
    // Rebuilt from tests/netpol-analysis-example-minimal/connlist_output.md (ref1: external→frontend TCP 8080,
    // frontend→external UDP 53, frontend→backend TCP 9090) and the diff output (ref2 changes only backend-netpol).
    const frontend = pol("default", "frontend-netpol", {
      podSelector: { matchLabels: { app: "frontend" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: [{ port: 8080, protocol: "TCP" }] }],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: "backend" } } }], ports: [{ port: 9090, protocol: "TCP" }] },
        { ports: [{ port: 53, protocol: "UDP" }] },
      ],
    });
    const backend = (ingress: unknown[]) =>
      pol("default", "backend-netpol", {
        podSelector: { matchLabels: { app: "backend" } },
        policyTypes: ["Ingress", "Egress"],
        ingress,
      });
    const ref1 = backend([
      { from: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ port: 9090, protocol: "TCP" }] },
    ]);
    const ref2 = backend([
      { from: [{ podSelector: { matchLabels: { app: "frontend" } } }] },
      { ports: [{ port: 9090, protocol: "TCP" }] },
    ]);
    const w = workloads({
      default: { pods: { "frontend-1": { labels: { app: "frontend" } }, "backend-1": { labels: { app: "backend" } } } },
    });
    const { effects } = computeEffects({
      desired: [frontend, ref1],
      live: [frontend, ref2],
      namespaces: ["default"],
      workloads: w,
      options: { ipBlockMatchesPods: false },
    });
    // Golden: "changed, frontend → backend, ref1: TCP 9090, ref2: TCP 9090,UDP 53" and
    //         "added, 0.0.0.0-255.255.255.255 → backend, ref1: No Connections, ref2: TCP 9090"
    // (netpol-analyzer is IPv4-only; we cover ::/0 as well).
    expect(effects).toHaveLength(1);
    expect(effects[0]!.effect).toBe("widens");
    expect(effects[0]!.closed).toEqual([]);
    expect(effects[0]!.opened.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      ["0.0.0.0/0, ::/0", "ns:default/pod:app=backend", "TCP", "9090"],
      ["ns:default/pod:app=frontend", "ns:default/pod:app=backend", "UDP", "53"],
    ]);
    const fromOutside = effects[0]!.opened[0]!;
    expect(fromOutside.ingress.rules).toEqual([
      { namespace: "default", policy: "backend-netpol", direction: "ingress", index: 1 },
    ]);
    expect(fromOutside.egress.isolated).toBe(false);
  });

  describe("with_end_port_example → with_end_port_example_new: a rewrite with no effect", () => {
    // tests/with_end_port_example/netpol.yaml and tests/with_end_port_example_new/netpol.yaml; golden output
    // tests/with_end_port_example_new/diff_output_from_with_end_port_example.txt is an empty "Connectivity diff:".
    const ref1 = pol("kube-system", "enable-all-protocols-with-all-ports", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [
        {
          ports: [
            { port: 1, endPort: 65535, protocol: "UDP" },
            { port: 1, endPort: 65535, protocol: "TCP" },
            { port: 1, endPort: 65535, protocol: "SCTP" },
          ],
        },
      ],
    });
    const ref2 = pol("kube-system", "enable-all-traffic", {
      podSelector: { matchLabels: { tier: "frontend" } },
      policyTypes: ["Ingress"],
      ingress: [{}],
    });
    it("with workloads", () => {
      const w = workloads({
        "kube-system": {
          pods: { "calico-node": { labels: { tier: "frontend" } }, heapster: { labels: { app: "heapster" } } },
        },
        default: { pods: { "cog-agents": { labels: { app: "cog-agents" } } } },
      });
      const { effects } = computeEffects({
        desired: [ref1],
        live: [ref2],
        namespaces: ["kube-system"],
        workloads: w,
        options: { ipBlockMatchesPods: false },
      });
      expect(effects).toEqual([{ namespace: "kube-system", effect: "none", opened: [], closed: [] }]);
    });
    it("on representatives", () => {
      const { effects } = computeEffects({
        desired: [ref1],
        live: [ref2],
        namespaces: ["kube-system"],
        options: { ipBlockMatchesPods: false },
      });
      expect(effects).toEqual([{ namespace: "kube-system", effect: "none", opened: [], closed: [] }]);
    });
  });

  it("ipblockstest → ipblockstest_2: ipBlock with except, UDP 53 became TCP 53", () => {
    // tests/ipblockstest_2/withIpBlock-networkpolicy.yaml (ref2); ref1 differs only in the protocol, as the
    // golden tests/ipblockstest_2/diff_output_from_ipblockstest.txt says ("dir1: UDP 53, dir2: TCP 53").
    const policy = (protocol: string) =>
      pol("kube-system", "enable-from-ipblock-to-isolated-by-tier", {
        podSelector: { matchLabels: { tier: "frontend" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.21.0.0/16", "172.30.0.0/16"] } }],
            ports: [{ port: 53, protocol }],
          },
        ],
      });
    const tiered = [
      "calico-node-tier",
      "ibm-file-plugin-7bfb8b69bf",
      "ibm-keepalived-watcher",
      "ibm-kube-fluentd-with-tier",
      "ibm-storage-watcher-8494b4b8bb",
      "tiller-deploy-5c45c9966b",
      "vpn-858f6d9777",
    ];
    const w = workloads({
      "kube-system": {
        pods: {
          ...Object.fromEntries(tiered.map((n) => [n, { labels: { tier: "frontend" } }])),
          "kube-dns": { labels: { "k8s-app": "kube-dns" } },
        },
      },
    });
    const { effects } = computeEffects({
      desired: [policy("UDP")],
      live: [policy("TCP")],
      namespaces: ["kube-system"],
      workloads: w,
      options: { ipBlockMatchesPods: false },
    });
    // The golden's four source ranges, each "changed" for each of the seven tier=frontend pods.
    const ranges = "0.0.0.0/0 except 10.0.0.0/8, 172.21.0.0/16, 172.30.0.0/16";
    expect(effects[0]!.effect).toBe("changes");
    expect(effects[0]!.opened.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      [ranges, "ns:kube-system/pod:tier=frontend", "TCP", "53"],
    ]);
    expect(effects[0]!.closed.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      [ranges, "ns:kube-system/pod:tier=frontend", "UDP", "53"],
    ]);
  });
});
