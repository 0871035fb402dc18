// The seed's baseline (seed/network-policies.md: default deny except DNS, tenants separated by namespace,
// external egress only via named CIDRs, air-gapped tenants without egress), checked on one side.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkInvariants } from "../../../src/analyse/invariants.js";
import { defaultAnalysisOptions, type AnalysisOptions } from "../../../src/analyse/types.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { loadNormalized } from "../../helpers/desired.js";
import { DENY_ALL, pol } from "./helpers.js";

const DNS = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { port: 53, protocol: "UDP" },
    { port: 53, protocol: "TCP" },
  ],
};
const baseline = (ns: string) =>
  pol(ns, "default-deny", { ...DENY_ALL, egress: [DNS] }, { file: `${ns}/default-deny.yaml`, line: 1 });
const APP = { matchLabels: { app: "x" } };
const opts = (o: Partial<AnalysisOptions> = {}): AnalysisOptions => ({ ...defaultAnalysisOptions(), ...o });
const check = (policies: ReturnType<typeof pol>[], o: Partial<AnalysisOptions> = {}) =>
  checkInvariants({ policies, side: "desired", options: opts(o) });
const ids = (vs: ReturnType<typeof check>) =>
  vs.map((v) => `${v.invariant} ${v.namespace}${v.policy ? `/${v.policy}` : ""}${v.rule ? ` ${v.rule}` : ""}`);

describe("baseline invariants", () => {
  it("the example desired state is clean with its Helm values' allow-lists", async () => {
    const d = await loadNormalized(path.resolve(import.meta.dirname, "../../../desired"), {
      normalize: defaultNormalizeOptions(),
    });
    const allow = ["10.40.12.0/24", "198.51.100.0/24", "192.0.2.0/24", "203.0.113.0/24"].map((cidr) => ({ cidr }));
    expect(
      ids(
        checkInvariants({
          policies: d.policies,
          side: "desired",
          options: opts({ egressAllowList: allow, airGapped: ["tenant-globex"] }),
        }),
      ),
    ).toEqual([]);
  });

  it("a namespace with the baseline passes", () => {
    expect(check([baseline("shop")])).toEqual([]);
  });

  it("no default deny for ingress or egress", () => {
    const ingressOnly = pol(
      "shop",
      "deny-in",
      { podSelector: {}, policyTypes: ["Ingress"] },
      { file: "shop/deny-in.yaml", line: 3 },
    );
    expect(ids(check([ingressOnly]))).toEqual(["default-deny shop"]);
    expect(check([ingressOnly])[0]).toMatchObject({
      file: "shop/deny-in.yaml",
      message: expect.stringContaining("no default deny for egress"),
    });
    const egressOnly = pol("shop", "deny-out", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS] });
    expect(ids(check([egressOnly]))).toEqual(["default-deny shop"]);
  });

  it("an ingress rule on the all-pods policy is not a default deny", () => {
    const p = pol("shop", "default-deny", { ...DENY_ALL, ingress: [{}], egress: [DNS] });
    const v = check([p]);
    expect(ids(v)).toEqual(["default-deny shop/default-deny ingress[0]"]);
    expect(v[0]!.witness).toEqual({
      from: "ns:(another namespace)/pod:(other)",
      to: "ns:shop/pod:(other)",
      protocol: "any",
      ports: "all",
    });
  });

  it("default egress must allow DNS on UDP and TCP 53 to kube-dns", () => {
    const p = pol("shop", "default-deny", {
      ...DENY_ALL,
      egress: [{ ...DNS, ports: [{ port: 53, protocol: "UDP" }] }],
    });
    const v = check([p]);
    expect(ids(v)).toEqual(["dns-egress shop/default-deny"]);
    expect(v[0]!.message).toContain("TCP 53");
    expect(ids(check([pol("shop", "default-deny", DENY_ALL)]))).toEqual(["dns-egress shop/default-deny"]);
  });

  it("and nothing else by default: the violation names a connection beyond DNS and the rule", () => {
    const wide = pol("shop", "default-deny", { ...DENY_ALL, egress: [DNS, { to: [{ namespaceSelector: {} }] }] });
    const v = check([wide]);
    expect(ids(v)).toEqual(["dns-egress shop/default-deny egress[1]"]);
    expect(v[0]!.witness).toEqual({
      from: "ns:shop/pod:(other)",
      to: "ns:kube-system/pod:k8s-app=kube-dns",
      protocol: "TCP",
      ports: "1-52, 54-65535, any named port",
    });
    expect(v[0]!.message).toContain(
      "allows more than DNS from every pod of shop: ns:shop/pod:(other) → ns:kube-system/pod:k8s-app=kube-dns TCP 1-52",
    );
    const allPortsToDns = pol("shop", "default-deny", { ...DENY_ALL, egress: [{ to: DNS.to }] });
    expect(ids(check([allPortsToDns]))).toEqual(["dns-egress shop/default-deny egress[0]"]);
    const httpsOut = pol("shop", "default-deny", {
      ...DENY_ALL,
      egress: [DNS, { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443 }] }],
    });
    expect(check([httpsOut]).map((x) => x.witness)).toEqual([
      { from: "ns:shop/pod:(other)", to: "0.0.0.1", protocol: "TCP", ports: "443" },
    ]);
  });

  // The forms DNS egress is commonly written in: eval says DNS is allowed for each, and so must check.
  it.each([
    ["kube-system by its name label", DNS],
    [
      "any namespace, pods labelled kube-dns",
      { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: DNS.ports },
    ],
    ["`to` omitted, ports 53", { ports: DNS.ports }],
    [
      "kube-system by matchExpressions, TCP by default",
      {
        to: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["kube-system"] }],
            },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [{ port: 53, protocol: "UDP" }, { port: 53 }],
      },
    ],
    [
      "two rules, one per protocol",
      [
        { to: DNS.to, ports: [{ port: 53, protocol: "UDP" }] },
        { to: DNS.to, ports: [{ port: 53, protocol: "TCP" }] },
      ],
    ],
  ])("DNS as %s: no DNS violation", (_name, rule) => {
    const p = pol("shop", "default-deny", { ...DENY_ALL, egress: Array.isArray(rule) ? rule : [rule] });
    expect(ids(check([p]))).toEqual([]);
  });

  describe("tenant isolation", () => {
    it.each([
      [
        "ingress from another tenant by name",
        {
          podSelector: {},
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tenant-globex" } } }] },
          ],
        },
        "tenant-isolation tenant-acme/x ingress[0]",
      ],
      [
        "egress to every namespace",
        { podSelector: APP, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] },
        "tenant-isolation tenant-acme/x egress[0]",
      ],
      [
        "ingress from every source (no from)",
        { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] },
        "tenant-isolation tenant-acme/x ingress[0]",
      ],
      [
        "NotIn its own name (selects the others)",
        {
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchExpressions: [
                      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["tenant-acme"] },
                    ],
                  },
                },
              ],
            },
          ],
        },
        "tenant-isolation tenant-acme/x ingress[0]",
      ],
      [
        "a pod selector that the other tenant's pods can match",
        {
          podSelector: APP,
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tenant-globex" } },
                  podSelector: { matchLabels: { app: "web" } },
                },
              ],
            },
          ],
        },
        "tenant-isolation tenant-acme/x egress[0]",
      ],
    ])("%s is a violation", (_name, spec, id) => {
      expect(ids(check([baseline("tenant-acme"), baseline("tenant-globex"), pol("tenant-acme", "x", spec)]))).toEqual([
        id,
      ]);
    });
    it("own namespace, shared services and egress to kube-dns are fine", () => {
      const ok = pol("tenant-acme", "x", {
        podSelector: APP,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "mcp" } } }] }],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "database" } } }] }],
      });
      expect(check([baseline("tenant-acme"), baseline("tenant-globex"), ok])).toEqual([]);
    });
    it("a namespace label from the workloads makes a label selector match another tenant", () => {
      const p = pol("tenant-acme", "x", {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "globex" } } }] }],
      });
      const nsLabels = new Map([["tenant-globex", { "kubernetes.io/metadata.name": "tenant-globex", team: "globex" }]]);
      expect(
        checkInvariants({ policies: [baseline("tenant-acme"), p], side: "live", options: opts(), nsLabels }).map(
          (v) => v.message,
        ),
      ).toEqual([expect.stringContaining("allows traffic from tenant-globex")]);
    });
  });

  it("external egress only to allow-listed CIDRs (except carves are honoured)", () => {
    const p = pol("shop", "out", {
      podSelector: APP,
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }] },
        { to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] },
      ],
    });
    const v = check([baseline("shop"), p], {
      egressAllowList: [{ cidr: "203.0.113.0/25" }, { cidr: "198.51.100.0/25" }],
    });
    // Rules are numbered as written: the 198.51.100.0/24 rule is the second, though it sorts first.
    expect(ids(v)).toEqual(["egress-allow-list shop/out egress[1]"]);
    expect(v[0]!.message).toContain("198.51.100.128/25");
    expect(v[0]!.witness).toEqual({ from: "ns:shop/pod:app=x", to: "198.51.100.129", protocol: "any", ports: "all" });
    const anywhere = pol("shop", "any", {
      podSelector: APP,
      policyTypes: ["Egress"],
      egress: [{ ports: [{ port: 443 }] }],
    });
    expect(ids(check([baseline("shop"), anywhere], { egressAllowList: [] }))).toEqual([
      "egress-allow-list shop/any egress[0]",
    ]);
    expect(check([baseline("shop"), anywhere])).toEqual([]); // no allow-list configured: not checked
  });

  it("per-namespace allow-list entries apply to that namespace only", () => {
    const p = (ns: string) =>
      pol(ns, "out", {
        podSelector: APP,
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "192.0.2.64/26" } }] }],
      });
    const v = check([baseline("tenant-acme"), p("tenant-acme"), baseline("shop"), p("shop")], {
      egressAllowList: [],
      namespaceEgressAllowList: { "tenant-acme": [{ cidr: "192.0.2.64/26" }] },
    });
    expect(ids(v)).toEqual(["egress-allow-list shop/out egress[0]"]);
  });

  it("air-gapped tenants have no external egress at all", () => {
    const p = pol("tenant-globex", "out", {
      podSelector: APP,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] }],
    });
    expect(
      ids(
        check([baseline("tenant-globex"), p], {
          airGapped: ["tenant-globex"],
          egressAllowList: [{ cidr: "0.0.0.0/0" }],
        }),
      ),
    ).toEqual(["air-gapped tenant-globex/out egress[0]"]);
    const noTo = pol("tenant-globex", "all", {
      podSelector: { matchLabels: { app: "x" } },
      policyTypes: ["Egress"],
      egress: [{ ports: [{ port: 443 }] }],
    });
    expect(ids(check([baseline("tenant-globex"), noTo], { airGapped: ["tenant-globex"] })).sort()).toEqual(
      ["air-gapped tenant-globex/all egress[0]", "tenant-isolation tenant-globex/all egress[0]"].sort(),
    );
  });

  it("a violation points at the rule's own line and names it by its index as written", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-inv-"));
    await mkdir(path.join(dir, "shop"));
    await writeFile(
      path.join(dir, "shop", "default-deny.yaml"),
      [
        "apiVersion: networking.k8s.io/v1", // 1
        "kind: NetworkPolicy",
        "metadata: {name: default-deny}",
        "spec:",
        "  podSelector: {}", // 5
        "  policyTypes: [Ingress, Egress]",
        "  egress:",
        "    - to:", // 8: sorts second
        "        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}",
        "          podSelector: {matchLabels: {k8s-app: kube-dns}}", // 10
        "      ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]",
        "    - ports: [{port: 443}]", // 12: sorts first, allows 443 anywhere
        "",
      ].join("\n"),
    );
    const d = await loadNormalized(dir, { normalize: defaultNormalizeOptions() });
    const v = checkInvariants({ policies: d.policies, side: "desired", options: opts() });
    expect(v.map((x) => `${x.invariant} ${x.rule} ${x.file}:${x.line}`)).toEqual([
      "dns-egress egress[1] shop/default-deny.yaml:12",
    ]);
    expect(v[0]!.message).toContain("shop/default-deny egress[1] allows more than DNS");
  });
});
