import { Document } from "yaml";
import type { EgressRule, IngressRule, NormalizedPolicy, Peer, Port, Selector } from "../model/types.js";

// The live state as a person would write it in the desired folder: the normalised policy (server fields
// already gone) in the usual key order, without the defaults nobody writes (`protocol: TCP`). policyTypes is
// always written: it is what makes an egress-only or deny-all policy say what it is, and the seed writes it.

import { quoteWherePlainIsNotString } from "./accept-text.js";

const V1 = "networking.k8s.io/v1";

export function humanPolicy(p: NormalizedPolicy): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: p.name, namespace: p.namespace };
  if (Object.keys(p.labels).length > 0) metadata.labels = { ...p.labels };
  if (Object.keys(p.annotations).length > 0) metadata.annotations = { ...p.annotations };
  const spec: Record<string, unknown> = {
    podSelector: humanSelector(p.spec.podSelector),
    policyTypes: humanPolicyTypes(p.spec.policyTypes),
  };
  if (p.spec.ingress) spec.ingress = p.spec.ingress.map(humanIngress);
  if (p.spec.egress) spec.egress = p.spec.egress.map(humanEgress);
  return { apiVersion: V1, kind: "NetworkPolicy", metadata, spec };
}

/** A new policy file's text: block style, strings quoted where YAML 1.1 would read them otherwise. */
export function newFileText(manifest: Record<string, unknown>): string {
  const doc = new Document(manifest, { version: "1.1" });
  quoteWherePlainIsNotString(doc.contents);
  return doc.toString({ lineWidth: 0 });
}

/** Ingress before Egress, as people (and the Kubernetes docs) write it. */
export function humanPolicyTypes(types: readonly string[]): string[] {
  return ["Ingress", "Egress"].filter((t) => types.includes(t));
}

export function humanSelector(s: Selector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.matchLabels) out.matchLabels = { ...s.matchLabels };
  if (s.matchExpressions) out.matchExpressions = s.matchExpressions.map(humanRequirement);
  return out;
}

export function humanRequirement(r: NonNullable<Selector["matchExpressions"]>[number]): Record<string, unknown> {
  const out: Record<string, unknown> = { key: r.key, operator: r.operator };
  if (r.values) out.values = [...r.values];
  return out;
}

export function humanIngress(r: IngressRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.from) out.from = r.from.map(humanPeer);
  if (r.ports) out.ports = r.ports.map(humanPort);
  return out;
}

export function humanEgress(r: EgressRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.to) out.to = r.to.map(humanPeer);
  if (r.ports) out.ports = r.ports.map(humanPort);
  return out;
}

export function humanPeer(p: Peer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.namespaceSelector) out.namespaceSelector = humanSelector(p.namespaceSelector);
  if (p.podSelector) out.podSelector = humanSelector(p.podSelector);
  if (p.ipBlock)
    out.ipBlock = p.ipBlock.except ? { cidr: p.ipBlock.cidr, except: [...p.ipBlock.except] } : { cidr: p.ipBlock.cidr };
  return out;
}

/** TCP is the API server's default and is left out, unless it is all the port says (`- protocol: TCP`). */
export function humanPort(p: Port): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.protocol !== "TCP" || p.port === undefined) out.protocol = p.protocol;
  if (p.port !== undefined) out.port = p.port;
  if (p.endPort !== undefined) out.endPort = p.endPort;
  return out;
}

// Kubernetes object names: a NetworkPolicy's name is a DNS-1123 subdomain, a namespace a DNS-1123 label. The
// API server enforces both, but the names come from the cluster (or a capture) and end up in a path: they are
// checked here, not trusted. Neither can hold `/`, `..` or a leading dot.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && s.split(".").every((part) => DNS1123_LABEL.test(part));
}
