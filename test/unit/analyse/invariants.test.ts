// The seed's baseline (seed/network-policies.md: default deny except DNS, tenants separated by namespace,
// external egress only via named CIDRs, air-gapped tenants without egress), checked on one side.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkInvariants } from "../../../src/analyse/invariants.js";
import { defaultAnalysisOptions, type AnalysisOptions } from "../../../src/analyse/types.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { loadDesired } from "../../../src/sources/desired/index.js";
import { DENY_ALL, pol } from "./helpers.js";

const DNS = { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] };
const baseline = (ns: string) => pol(ns, "default-deny", { ...DENY_ALL, egress: [DNS] }, { file: `${ns}/default-deny.yaml`, line: 1 });
const APP = { matchLabels: { app: "x" } };
const opts = (o: Partial<AnalysisOptions> = {}): AnalysisOptions => ({ ...defaultAnalysisOptions(), ...o });
const check = (policies: ReturnType<typeof pol>[], o: Partial<AnalysisOptions> = {}) => checkInvariants({ policies, side: "desired", options: opts(o) });
const ids = (vs: ReturnType<typeof check>) => vs.map((v) => `${v.invariant} ${v.namespace}${v.policy ? `/${v.policy}` : ""}${v.rule ? ` ${v.rule}` : ""}`);

describe("baseline invariants", () => {
  it("the example desired state is clean with its Helm values' allow-lists", async () => {
    const d = await loadDesired(path.resolve(import.meta.dirname, "../../../desired"), { normalize: defaultNormalizeOptions() });
    const allow = ["10.40.12.0/24", "198.51.100.0/24", "192.0.2.0/24", "203.0.113.0/24"].map((cidr) => ({ cidr }));
    expect(ids(checkInvariants({ policies: d.policies, side: "desired", options: opts({ egressAllowList: allow, airGapped: ["tenant-globex"] }) }))).toEqual([]);
  });

  it("a namespace with the baseline passes", () => {
    expect(check([baseline("shop")])).toEqual([]);
  });

  it("no default deny for ingress or egress", () => {
    const ingressOnly = pol("shop", "deny-in", { podSelector: {}, policyTypes: ["Ingress"] }, { file: "shop/deny-in.yaml", line: 3 });
    expect(ids(check([ingressOnly]))).toEqual(["default-deny shop"]);
    expect(check([ingressOnly])[0]).toMatchObject({ file: "shop/deny-in.yaml", message: expect.stringContaining("no default deny for egress") });
    const egressOnly = pol("shop", "deny-out", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS] });
    expect(ids(check([egressOnly]))).toEqual(["default-deny shop"]);
  });

  it("an ingress rule on the all-pods policy is not a default deny", () => {
    const p = pol("shop", "default-deny", { ...DENY_ALL, ingress: [{}], egress: [DNS] });
    expect(ids(check([p]))).toEqual(["default-deny shop"]);
  });

  it("default egress must allow DNS on UDP and TCP 53 to kube-dns", () => {
    const p = pol("shop", "default-deny", { ...DENY_ALL, egress: [{ ...DNS, ports: [{ port: 53, protocol: "UDP" }] }] });
    const v = check([p]);
    expect(ids(v)).toEqual(["dns-egress shop/default-deny"]);
    expect(v[0]!.message).toContain("TCP 53");
    expect(ids(check([pol("shop", "default-deny", DENY_ALL)]))).toEqual(["dns-egress shop/default-deny"]);
  });

  it("and nothing else by default", () => {
    const wide = pol("shop", "default-deny", { ...DENY_ALL, egress: [DNS, { to: [{ namespaceSelector: {} }] }] });
    expect(ids(check([wide]))).toEqual(["dns-egress shop/default-deny egress[1]"]);
    const dnsAnywhere = pol("shop", "default-deny", { ...DENY_ALL, egress: [{ ports: DNS.ports }] });
    expect(ids(check([dnsAnywhere]))).toEqual(["dns-egress shop/default-deny egress[0]", "dns-egress shop/default-deny"]);
    const allPortsToDns = pol("shop", "default-deny", { ...DENY_ALL, egress: [{ to: DNS.to }] });
    expect(ids(check([allPortsToDns]))[0]).toBe("dns-egress shop/default-deny egress[0]");
  });

  describe("tenant isolation", () => {
    it.each([
      ["ingress from another tenant by name", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tenant-globex" } } }] }] }, "tenant-isolation tenant-acme/x ingress[0]"],
      ["egress to every namespace", { podSelector: APP, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] }, "tenant-isolation tenant-acme/x egress[0]"],
      ["ingress from every source (no from)", { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }, "tenant-isolation tenant-acme/x ingress[0]"],
      ["NotIn its own name (selects the others)", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["tenant-acme"] }] } }] }] }, "tenant-isolation tenant-acme/x ingress[0]"],
    ])("%s is a violation", (_name, spec, id) => {
      expect(ids(check([baseline("tenant-acme"), baseline("tenant-globex"), pol("tenant-acme", "x", spec)]))).toEqual([id]);
    });
    it("own namespace, shared services and egress to kube-dns are fine", () => {
      const ok = pol("tenant-acme", "x", {
        podSelector: APP, policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "mcp" } } }] }],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "database" } } }] }],
      });
      expect(check([baseline("tenant-acme"), baseline("tenant-globex"), ok])).toEqual([]);
    });
    it("a namespace label from the workloads makes a label selector match another tenant", () => {
      const p = pol("tenant-acme", "x", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "globex" } } }] }] });
      const nsLabels = new Map([["tenant-globex", { "kubernetes.io/metadata.name": "tenant-globex", team: "globex" }]]);
      expect(checkInvariants({ policies: [baseline("tenant-acme"), p], side: "live", options: opts(), nsLabels }).map((v) => v.message)).toEqual([
        expect.stringContaining("allows traffic from tenant-globex"),
      ]);
    });
  });

  it("external egress only to allow-listed CIDRs (except carves are honoured)", () => {
    const p = pol("shop", "out", { podSelector: APP, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }] }, { to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] }] });
    const v = check([baseline("shop"), p], { egressAllowList: [{ cidr: "203.0.113.0/25" }, { cidr: "198.51.100.0/25" }] });
    // Rules are numbered in the normalised (sorted) order: the 198.51.100.0/24 rule sorts first.
    expect(ids(v)).toEqual(["egress-allow-list shop/out egress[0]"]);
    expect(v[0]!.message).toContain("198.51.100.128/25");
    const anywhere = pol("shop", "any", { podSelector: APP, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }] }] });
    expect(ids(check([baseline("shop"), anywhere], { egressAllowList: [] }))).toEqual(["egress-allow-list shop/any egress[0]"]);
    expect(check([baseline("shop"), anywhere])).toEqual([]); // no allow-list configured: not checked
  });

  it("per-namespace allow-list entries apply to that namespace only", () => {
    const p = (ns: string) => pol(ns, "out", { podSelector: APP, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "192.0.2.64/26" } }] }] });
    const v = check([baseline("tenant-acme"), p("tenant-acme"), baseline("shop"), p("shop")], { egressAllowList: [], namespaceEgressAllowList: { "tenant-acme": [{ cidr: "192.0.2.64/26" }] } });
    expect(ids(v)).toEqual(["egress-allow-list shop/out egress[0]"]);
  });

  it("air-gapped tenants have no external egress at all", () => {
    const p = pol("tenant-globex", "out", { podSelector: APP, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] }] });
    expect(ids(check([baseline("tenant-globex"), p], { airGapped: ["tenant-globex"], egressAllowList: [{ cidr: "0.0.0.0/0" }] }))).toEqual(["air-gapped tenant-globex/out egress[0]"]);
    const noTo = pol("tenant-globex", "all", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }] }] });
    expect(ids(check([baseline("tenant-globex"), noTo], { airGapped: ["tenant-globex"] })).sort()).toEqual(["air-gapped tenant-globex/all egress[0]", "tenant-isolation tenant-globex/all egress[0]"].sort());
  });
});
