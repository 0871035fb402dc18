// The seed's baseline, checked on one side: default deny both ways, DNS-only default egress, no
// cross-tenant rules, external egress only to allow-listed CIDRs, none at all for air-gapped tenants.
import type { EgressRule, IngressRule, NormalizedPolicy, Peer, Selector } from "../model/types.js";
import { blockRanges, describeRanges, parseCidr, subtractRanges, type IpRange } from "./cidr.js";
import { isEmptySelector, matches, type Labels } from "./selector.js";
import { tenantOf } from "./tenants.js";
import type { AnalysisOptions, Violation } from "./types.js";
import { NAME_LABEL, peersOf } from "./universe.js";

export interface InvariantInput {
  policies: NormalizedPolicy[];
  side: Violation["side"];
  options: AnalysisOptions;
  /** Namespace labels from a workloads capture; otherwise a namespace is known by its name label only. */
  nsLabels?: Map<string, Labels>;
}

/** How many other tenants a message names before it only counts them. */
const MAX_NAMED = 5;
const EVERYWHERE: IpRange[] = ["0.0.0.0/0", "::/0"].map((c) => parseCidr(c)!);

export function checkInvariants(input: InvariantInput): Violation[] {
  const { policies, side, options } = input;
  const out: Violation[] = [];
  const byNs = new Map<string, NormalizedPolicy[]>();
  for (const p of policies) byNs.set(p.namespace, [...(byNs.get(p.namespace) ?? []), p]);
  // Tenants: namespaces known from policies, workloads and configuration, and those a selector names.
  const named = policies.flatMap((p) => peersOf(p).flatMap(({ peer }) => (peer.namespaceSelector ? namesIn(peer.namespaceSelector) : [])));
  const tenantNs = new Set([...byNs.keys(), ...(input.nsLabels?.keys() ?? []), ...Object.values(options.tenants), ...named].filter((ns) => tenantOf(ns, options) !== undefined));

  const tenantList = [...tenantNs].sort();
  // Which tenant namespaces a namespace selector selects, computed once per distinct selector.
  const bySelector = new Map<string, string[]>();
  const selects = (sel: Selector): string[] => {
    // The common case, a selector on the name label alone, needs no label matching at all.
    const pinnedOnly = !sel.matchExpressions && sel.matchLabels && Object.keys(sel.matchLabels).length === 1 ? sel.matchLabels[NAME_LABEL] : undefined;
    if (pinnedOnly !== undefined) return tenantNs.has(pinnedOnly) ? [pinnedOnly] : [];
    const key = JSON.stringify(sel);
    let hit = bySelector.get(key);
    if (!hit) {
      // A selector that pins the name can only select that namespace.
      const pinned = sel.matchLabels?.[NAME_LABEL];
      const candidates = pinned !== undefined ? (tenantNs.has(pinned) ? [pinned] : []) : tenantList;
      hit = candidates.filter((t) => matches(sel, input.nsLabels?.get(t) ?? { [NAME_LABEL]: t }));
      if (matches(sel, { [NAME_LABEL]: "(any-other-tenant)" })) hit.unshift("any namespace");
      bySelector.set(key, hit);
    }
    return hit;
  };
  for (const [ns, list] of [...byNs].sort(([a], [b]) => a.localeCompare(b))) {
    const at = anchor(list);
    const defaults = list.filter((p) => isEmptySelector(p.spec.podSelector));
    if (!defaults.some((p) => p.spec.policyTypes.includes("Ingress") && !p.spec.ingress)) {
      out.push({ invariant: "default-deny", side, namespace: ns, ...at, message: `namespace ${ns} has no default deny for ingress (podSelector: {}, policyTypes: [Ingress], no ingress rules)` });
    }
    const egressDefaults = defaults.filter((p) => p.spec.policyTypes.includes("Egress"));
    if (egressDefaults.length === 0) {
      out.push({ invariant: "default-deny", side, namespace: ns, ...at, message: `namespace ${ns} has no default deny for egress (podSelector: {}, policyTypes: [Egress])` });
    } else {
      out.push(...dnsViolations(ns, egressDefaults, side, options));
    }
    for (const p of list) {
      if (tenantNs.has(ns)) out.push(...crossTenant(p, selects, side, options));
      out.push(...externalEgress(p, side, options));
    }
  }
  return out;
}

function dnsViolations(ns: string, defaults: NormalizedPolicy[], side: Violation["side"], options: AnalysisOptions): Violation[] {
  const out: Violation[] = [];
  const dnsPorts = new Set<string>();
  for (const p of defaults) {
    (p.spec.egress ?? []).forEach((rule, i) => {
      if (isDnsRule(rule, options)) rule.ports!.forEach((x) => dnsPorts.add(x.protocol));
      else out.push(at(p, side, "dns-egress", i, `${p.namespace}/${p.name} selects every pod and its egress rule ${describeRule(rule.to, rule.ports)} allows more than DNS to ${options.dns.namespace}/${labelText(options.dns.podLabels)}`));
    });
  }
  const missing = ["UDP", "TCP"].filter((proto) => !dnsPorts.has(proto));
  if (missing.length > 0) {
    const first = defaults[0]!;
    out.push({ invariant: "dns-egress", side, namespace: ns, policy: first.name, ...where(first), message: `egress from namespace ${ns} does not allow DNS on ${missing.map((m) => `${m} 53`).join(" and ")} to ${options.dns.namespace}/${labelText(options.dns.podLabels)}` });
  }
  return out;
}

function isDnsRule(rule: EgressRule, options: AnalysisOptions): boolean {
  if (!rule.to || !rule.ports) return false;
  const peersOk = rule.to.every((peer) => !peer.ipBlock && peer.namespaceSelector && pins(peer.namespaceSelector, NAME_LABEL, options.dns.namespace) && peer.podSelector && Object.entries(options.dns.podLabels).every(([k, v]) => pins(peer.podSelector!, k, v)));
  const portsOk = rule.ports.every((x) => x.port === 53 && (x.endPort === undefined || x.endPort === 53) && (x.protocol === "UDP" || x.protocol === "TCP"));
  return peersOk && portsOk;
}

function namesIn(sel: Selector): string[] {
  const fromExpr = (sel.matchExpressions ?? []).filter((r) => r.key === NAME_LABEL && r.operator === "In").flatMap((r) => r.values ?? []);
  return [...(sel.matchLabels?.[NAME_LABEL] ? [sel.matchLabels[NAME_LABEL]] : []), ...fromExpr];
}

/** The selector only selects objects with key=value. */
function pins(sel: Selector, key: string, value: string): boolean {
  if (sel.matchLabels?.[key] === value) return true;
  return (sel.matchExpressions ?? []).some((r) => r.key === key && r.operator === "In" && r.values?.length === 1 && r.values[0] === value);
}

function crossTenant(p: NormalizedPolicy, selects: (sel: Selector) => string[], side: Violation["side"], options: AnalysisOptions): Violation[] {
  const out: Violation[] = [];
  const check = (dir: "ingress" | "egress", rules: (IngressRule | EgressRule)[]) =>
    rules.forEach((rule, i) => {
      const peers = dir === "ingress" ? (rule as IngressRule).from : (rule as EgressRule).to;
      const word = dir === "ingress" ? "from" : "to";
      if (!peers) {
        out.push(at(p, side, "tenant-isolation", i, `${p.namespace}/${p.name} ${dir}[${i}] has no \`${word}\`: it allows traffic ${word} every namespace, other tenants included`, dir));
        return;
      }
      const hit = new Set<string>();
      let more = 0;
      for (const peer of peers) {
        if (!peer.namespaceSelector) continue;
        for (const t of selects(peer.namespaceSelector)) {
          if (t === p.namespace || hit.has(t)) continue;
          if (hit.size < MAX_NAMED) hit.add(t);
          else more++;
        }
      }
      const names = [...hit].sort().join(", ") + (more > 0 ? ` and ${more} more` : "");
      if (hit.size > 0) out.push(at(p, side, "tenant-isolation", i, `${p.namespace}/${p.name} ${dir}[${i}] allows traffic ${word} ${names} (tenant ${tenantOf(p.namespace, options)} must stay in its namespace)`, dir));
    });
  if (p.spec.policyTypes.includes("Ingress")) check("ingress", p.spec.ingress ?? []);
  if (p.spec.policyTypes.includes("Egress")) check("egress", p.spec.egress ?? []);
  return out;
}

function externalEgress(p: NormalizedPolicy, side: Violation["side"], options: AnalysisOptions): Violation[] {
  if (!p.spec.policyTypes.includes("Egress")) return [];
  const airGapped = options.airGapped.includes(p.namespace);
  const allowed = [...(options.egressAllowList ?? []), ...(options.namespaceEgressAllowList[p.namespace] ?? [])].flatMap(blockRanges);
  const out: Violation[] = [];
  (p.spec.egress ?? []).forEach((rule, i) => {
    const reach = rule.to ? rule.to.flatMap((peer) => (peer.ipBlock ? blockRanges(peer.ipBlock) : [])) : EVERYWHERE;
    if (reach.length === 0) return;
    if (airGapped) {
      out.push(at(p, side, "air-gapped", i, `${p.namespace} is air-gapped but ${p.name} egress[${i}] allows external egress to ${describeRanges(reach)}`));
    } else if (options.egressAllowList) {
      const outside = subtractRanges(reach, allowed);
      if (outside.length > 0) out.push(at(p, side, "egress-allow-list", i, `${p.namespace}/${p.name} egress[${i}] allows external egress to ${describeRanges(outside)}, which is not on the allow-list`));
    }
  });
  return out;
}

function at(p: NormalizedPolicy, side: Violation["side"], invariant: Violation["invariant"], index: number, message: string, dir: "ingress" | "egress" = "egress"): Violation {
  return { invariant, side, namespace: p.namespace, policy: p.name, rule: `${dir}[${index}]`, ...where(p), message };
}

function where(p: NormalizedPolicy): { file?: string; line?: number } {
  const out: { file?: string; line?: number } = {};
  if (p.origin.file) out.file = p.origin.file;
  if (p.origin.line) out.line = p.origin.line;
  return out;
}

/** A namespace-level fault points at the namespace's first file, so CI has somewhere to annotate. */
function anchor(list: NormalizedPolicy[]): { file?: string } {
  const files = list.map((p) => p.origin.file).filter((f): f is string => Boolean(f)).sort();
  return files[0] ? { file: files[0] } : {};
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}

function describeRule(peers: Peer[] | undefined, ports: EgressRule["ports"]): string {
  const to = peers ? peers.map((x) => (x.ipBlock ? x.ipBlock.cidr : `${x.namespaceSelector ? `ns(${JSON.stringify(x.namespaceSelector)})` : "same ns"}${x.podSelector ? ` pod(${JSON.stringify(x.podSelector)})` : ""}`)).join(" | ") : "anywhere";
  const on = ports ? ports.map((x) => `${x.protocol}${x.port === undefined ? "" : ` ${x.port}${x.endPort ? `-${x.endPort}` : ""}`}`).join(", ") : "every port";
  return `(to ${to} on ${on})`;
}
