import type { NormalizedPolicy } from "../../../src/model/types.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/policy.js";
import type { ContainerPort, Workloads } from "../../../src/model/workloads.js";

/** A policy as a manifest would state it, normalised the way both sides are. */
export function pol(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  origin: { file?: string; line?: number } = {},
): NormalizedPolicy {
  return normalizePolicy({ metadata: { name, namespace }, spec }, namespace, origin, defaultNormalizeOptions());
}

export interface PodSpec {
  labels?: Record<string, string>;
  ports?: ContainerPort[];
  ips?: string[];
}

/** Workloads from `{ "ns": { labels, pods: { name: {labels, ports} } } }`. */
export function workloads(
  spec: Record<string, { labels?: Record<string, string>; pods?: Record<string, PodSpec> }>,
): Workloads {
  const w: Workloads = { namespaces: [], pods: [], origin: "test" };
  for (const [ns, n] of Object.entries(spec)) {
    w.namespaces.push({ name: ns, labels: { "kubernetes.io/metadata.name": ns, ...(n.labels ?? {}) } });
    for (const [name, p] of Object.entries(n.pods ?? {})) {
      w.pods.push({ namespace: ns, name, labels: p.labels ?? {}, ports: p.ports ?? [], ips: p.ips ?? [] });
    }
  }
  return w;
}

export const DENY_ALL = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
