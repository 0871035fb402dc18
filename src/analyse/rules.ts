// Policies compiled for the connectivity computation: rules with their references and, when no named port
// needs a destination to resolve, their port set computed once.
import type { NormalizedPolicy, Peer, Port, Selector } from "../model/types.js";
import { sourceIndex } from "../normalize/spec.js";
import { rulePorts, type PortSet } from "./ports.js";
import { portKey } from "../normalize/set-keys.js";
import type { RuleRef } from "../model/analysis.js";

export interface CompiledRule {
  ref: RuleRef;
  /** Undefined: the rule has no from/to, so it matches every peer, external addresses included. */
  peers?: Peer[];
  ports?: Port[];
  /** Set when no port is named: the same for every destination. */
  fixedPorts?: PortSet;
  /** The last endpoint asked about and whether the rule matched it (see Side.ruleMatches). */
  memoEp?: unknown;
  memoHit?: boolean;
}

export interface CompiledPolicy {
  key: string;
  policy: NormalizedPolicy;
  /** Present when the policy has the type: an empty list then isolates without allowing anything. */
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
  /**
   * Identity of what the policy does in each direction: equal on both sides when that part did not drift (the
   * normalised spec is canonical, so JSON is enough).
   */
  specKey: { ingress: string; egress: string };
}

export function compilePolicy(p: NormalizedPolicy): CompiledPolicy {
  const key = `${p.namespace}/${p.name}`;
  const out = { key, policy: p } as CompiledPolicy;
  // Only the effects of drifted namespaces compare these; invariants over 50,000 policies never read them.
  let keys: CompiledPolicy["specKey"] | undefined;
  Object.defineProperty(out, "specKey", { enumerable: true, get: () => (keys ??= specKeys(p, key)) });
  if (p.spec.policyTypes.includes("Ingress")) {
    out.ingress = (p.spec.ingress ?? []).map((r, index) =>
      compileRule(p, "ingress", sourceIndex(r) ?? index, r.from, r.ports),
    );
  }
  if (p.spec.policyTypes.includes("Egress")) {
    out.egress = (p.spec.egress ?? []).map((r, index) =>
      compileRule(p, "egress", sourceIndex(r) ?? index, r.to, r.ports),
    );
  }
  return out;
}

function specKeys(p: NormalizedPolicy, key: string): CompiledPolicy["specKey"] {
  const selector = `${key}#${JSON.stringify(p.spec.podSelector)}`;
  return {
    ingress: `${selector}#${p.spec.policyTypes.includes("Ingress")}#${JSON.stringify(p.spec.ingress ?? [])}`,
    egress: `${selector}#${p.spec.policyTypes.includes("Egress")}#${JSON.stringify(p.spec.egress ?? [])}`,
  };
}

function compileRule(
  p: NormalizedPolicy,
  direction: "ingress" | "egress",
  index: number,
  peers: Peer[] | undefined,
  ports: Port[] | undefined,
): CompiledRule {
  const rule: CompiledRule = { ref: { namespace: p.namespace, policy: p.name, direction, index } };
  if (peers) rule.peers = peers;
  if (ports) rule.ports = ports;
  if (!ports?.some((x) => typeof x.port === "string")) rule.fixedPorts = fixedPorts(ports);
  return rule;
}

// Thousands of rules open the same few ports; port sets are never changed once made (ports.ts makes new ones),
// so rules with equal ports share one.
const FIXED = new Map<string, PortSet>();
function fixedPorts(ports: Port[] | undefined): PortSet {
  if (!ports) return rulePorts(ports, undefined);
  const key = ports.map(portKey).join("|");
  let set = FIXED.get(key);
  if (!set) {
    set = rulePorts(ports, undefined);
    if (FIXED.size >= 10_000) FIXED.clear();
    FIXED.set(key, set);
  }
  return set;
}

/** Normalised selectors are canonical already (sorted labels and expressions), so JSON is their identity. */
export function canonicalSelector(sel: Selector): string {
  return JSON.stringify(sel);
}

export function ruleName(ref: RuleRef): string {
  return `${ref.namespace}/${ref.policy} ${ref.direction}${ref.index === undefined ? "" : `[${ref.index}]`}`;
}
