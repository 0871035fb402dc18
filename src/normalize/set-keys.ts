import type {
  EgressRule,
  IngressRule,
  IPBlock,
  LabelSelectorRequirement,
  NormalizedPolicy,
  NormalizedSpec,
  Peer,
  Port,
  Selector,
} from "../model/types.js";

// The canonical JSON (canonical.ts) of the normalised set elements, written by their known shape: the same
// text as canonicalJson, without sorting the keys of every rule, peer and port of every policy (the keys of
// each shape are written in sorted order here). Only label maps have keys of their own, sorted when needed.

const str = (s: string) => JSON.stringify(s);

/**
 * The comparable parts of a normalised policy (labels, annotations, spec) as one text: the canonical JSON of
 * each, a line apiece. Two policies of one key have the same text exactly when sameComparable holds; the
 * capture's reader thread hands over a hash of it instead of the policy (sources/live/capture-scan.ts).
 */
export function comparableKey(p: Pick<NormalizedPolicy, "labels" | "annotations" | "spec">): string {
  return `${labelsKey(p.labels)}\n${labelsKey(p.annotations)}\n${specKey(p.spec)}`;
}

/** canonicalJson of a normalised spec, which holds these four fields only. */
export function specKey(spec: NormalizedSpec): string {
  let s = "{";
  if (spec.egress !== undefined) s += `"egress":${list(spec.egress, egressRuleKey)},`;
  if (spec.ingress !== undefined) s += `"ingress":${list(spec.ingress, ingressRuleKey)},`;
  return `${s}"podSelector":${selectorKey(spec.podSelector)},"policyTypes":${list(spec.policyTypes, str)}}`;
}

export function ingressRuleKey(r: IngressRule): string {
  let s = "{";
  if (r.from !== undefined) s += `"from":${list(r.from, peerKey)}`;
  if (r.ports !== undefined) s += `${s.length > 1 ? "," : ""}"ports":${list(r.ports, portKey)}`;
  return `${s}}`;
}

export function egressRuleKey(r: EgressRule): string {
  let s = "{";
  if (r.ports !== undefined) s += `"ports":${list(r.ports, portKey)}`;
  if (r.to !== undefined) s += `${s.length > 1 ? "," : ""}"to":${list(r.to, peerKey)}`;
  return `${s}}`;
}

export function peerKey(p: Peer): string {
  let s = "{";
  if (p.ipBlock !== undefined) s += `"ipBlock":${ipBlockKey(p.ipBlock)}`;
  if (p.namespaceSelector !== undefined)
    s += `${s.length > 1 ? "," : ""}"namespaceSelector":${selectorKey(p.namespaceSelector)}`;
  if (p.podSelector !== undefined) s += `${s.length > 1 ? "," : ""}"podSelector":${selectorKey(p.podSelector)}`;
  return `${s}}`;
}

function ipBlockKey(b: IPBlock): string {
  return `{"cidr":${str(b.cidr)}${b.except !== undefined ? `,"except":${list(b.except, str)}` : ""}}`;
}

export function portKey(p: Port): string {
  let s = "{";
  if (p.endPort !== undefined) s += `"endPort":${JSON.stringify(p.endPort)},`;
  if (p.port !== undefined) s += `"port":${JSON.stringify(p.port)},`;
  return `${s}"protocol":${str(p.protocol)}}`;
}

function selectorKey(sel: Selector): string {
  let s = "{";
  if (sel.matchExpressions !== undefined) s += `"matchExpressions":${list(sel.matchExpressions, requirementKey)}`;
  if (sel.matchLabels !== undefined) s += `${s.length > 1 ? "," : ""}"matchLabels":${labelsKey(sel.matchLabels)}`;
  return `${s}}`;
}

export function requirementKey(r: LabelSelectorRequirement): string {
  const values = r.values !== undefined ? `,"values":${list(r.values, str)}` : "";
  return `{"key":${str(r.key)},"operator":${str(r.operator)}${values}}`;
}

function labelsKey(m: Record<string, string>): string {
  const keys = Object.keys(m);
  // Built in sorted order, but integer-like keys ("9", "10") always come first in a JS object.
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  let s = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    s += `${i > 0 ? "," : ""}${str(k)}:${str(m[k] as string)}`;
  }
  return `${s}}`;
}

function list<T>(items: readonly T[], key: (item: T) => string): string {
  let s = "[";
  for (let i = 0; i < items.length; i++) s += (i > 0 ? "," : "") + key(items[i] as T);
  return `${s}]`;
}
