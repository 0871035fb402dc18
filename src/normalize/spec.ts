import type {
  EgressRule,
  IngressRule,
  IPBlock,
  NormalizedSpec,
  Peer,
  PolicyType,
  Port,
  Protocol,
} from "../model/types.js";
import { asSortedSet, nonEmpty } from "./canonical.js";
import { asArray, isRecord } from "../util/values.js";
import { normalizeSelector } from "./selector.js";
import { egressRuleKey, ingressRuleKey, peerKey, portKey } from "./set-keys.js";

// Rules are a set: they are compared in a canonical (sorted) order, but people find them by the index they
// wrote. Each normalised rule carries that index under a symbol key, which JSON, deep-diff and the canonical
// form never see, so comparison is unchanged.
const SOURCE_INDEX = Symbol("netpol-drift.sourceIndex");

/** The index a normalised rule had in the object as written (spec.ingress[i] / spec.egress[i]). */
export function sourceIndex(rule: IngressRule | EgressRule): number | undefined {
  return (rule as { [SOURCE_INDEX]?: number })[SOURCE_INDEX];
}

function withIndex<T extends object>(rule: T, index: number): T {
  Object.defineProperty(rule, SOURCE_INDEX, { value: index, enumerable: false });
  return rule;
}

/**
 * The spec as the API server would store it, in canonical order. Empty lists equal absent ones, but an
 * empty object inside a list keeps its meaning: `ingress: [{}]` (allow all) is not `ingress: []`.
 */
export function normalizeSpec(raw: unknown): NormalizedSpec {
  const spec = isRecord(raw) ? raw : {};
  const ingress = nonEmpty(asArray(spec.ingress).map((r, i) => withIndex(normalizeIngressRule(r), i)));
  const egress = nonEmpty(asArray(spec.egress).map((r, i) => withIndex(normalizeEgressRule(r), i)));
  const out: NormalizedSpec = {
    podSelector: normalizeSelector(spec.podSelector),
    policyTypes: normalizePolicyTypes(spec.policyTypes, egress !== undefined),
  };
  if (ingress) out.ingress = asSortedSet(ingress, ingressRuleKey);
  if (egress) out.egress = asSortedSet(egress, egressRuleKey);
  return out;
}

/** The API server's default: [Ingress], plus Egress when there is at least one egress rule. */
function normalizePolicyTypes(raw: unknown, hasEgress: boolean): PolicyType[] {
  const given = asArray(raw).map(String) as PolicyType[];
  if (given.length > 0) return [...new Set(given)].sort();
  return hasEgress ? ["Egress", "Ingress"] : ["Ingress"];
}

function normalizeIngressRule(raw: unknown): IngressRule {
  const r = isRecord(raw) ? raw : {};
  const out: IngressRule = {};
  const from = nonEmpty(asArray(r.from).map(normalizePeer));
  const ports = nonEmpty(asArray(r.ports).map(normalizePort));
  if (from) out.from = asSortedSet(from, peerKey);
  if (ports) out.ports = asSortedSet(ports, portKey);
  return out;
}

function normalizeEgressRule(raw: unknown): EgressRule {
  const r = isRecord(raw) ? raw : {};
  const out: EgressRule = {};
  const to = nonEmpty(asArray(r.to).map(normalizePeer));
  const ports = nonEmpty(asArray(r.ports).map(normalizePort));
  if (to) out.to = asSortedSet(to, peerKey);
  if (ports) out.ports = asSortedSet(ports, portKey);
  return out;
}

/** Both selectors in one peer are an AND and stay together; separate peers (OR) stay separate. */
function normalizePeer(raw: unknown): Peer {
  const p = isRecord(raw) ? raw : {};
  const out: Peer = {};
  if (p.podSelector !== undefined && p.podSelector !== null) out.podSelector = normalizeSelector(p.podSelector);
  if (p.namespaceSelector !== undefined && p.namespaceSelector !== null) {
    out.namespaceSelector = normalizeSelector(p.namespaceSelector);
  }
  if (isRecord(p.ipBlock)) out.ipBlock = normalizeIpBlock(p.ipBlock);
  return out;
}

function normalizeIpBlock(raw: Record<string, unknown>): IPBlock {
  const out: IPBlock = { cidr: String(raw.cidr ?? "") };
  const except = nonEmpty(asArray(raw.except).map(String));
  if (except) out.except = [...new Set(except)].sort();
  return out;
}

/** The API server fills `protocol: TCP`; a numeric string stays a string (it is a named-port slot). */
function normalizePort(raw: unknown): Port {
  const p = isRecord(raw) ? raw : {};
  const out: Port = { protocol: (typeof p.protocol === "string" && p.protocol ? p.protocol : "TCP") as Protocol };
  if (typeof p.port === "number" || typeof p.port === "string") out.port = p.port;
  if (typeof p.endPort === "number") out.endPort = p.endPort;
  return out;
}
