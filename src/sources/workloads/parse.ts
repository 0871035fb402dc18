// A `kubectl get namespaces,pods -A -o json|yaml` capture (or the lister's objects) → our Workloads. Pure.
import type { Protocol } from "../../model/types.js";
import { asArray, isRecord } from "../../util/values.js";
import type { ContainerPort, WorkloadNamespace, WorkloadPod, Workloads } from "../../model/workloads.js";

export interface ParsedWorkloads extends Workloads {
  /** Pods left out, and why (finished, host network). */
  skipped: string[];
}

/** Objects of any kind; only Namespaces and Pods are kept, Lists are flattened. */
export function workloadsFromObjects(objects: unknown[], origin: string): ParsedWorkloads {
  const out: ParsedWorkloads = { namespaces: [], pods: [], origin, skipped: [] };
  const visit = (o: unknown, kindHint?: string): void => {
    if (!isRecord(o)) return;
    if (Array.isArray(o.items)) {
      const hint = typeof o.kind === "string" && o.kind.endsWith("List") ? o.kind.slice(0, -4) : undefined;
      for (const item of o.items) visit(item, hint);
      return;
    }
    const kind = typeof o.kind === "string" ? o.kind : kindHint;
    if (kind === "Namespace") out.namespaces.push(namespaceOf(o));
    else if (kind === "Pod") {
      const pod = podOf(o);
      const why = skipReason(o);
      if (why) out.skipped.push(`${pod.namespace}/${pod.name}: ${why}`);
      else out.pods.push(pod);
    }
  };
  for (const o of objects) visit(o);
  return out;
}

function namespaceOf(o: Record<string, unknown>): WorkloadNamespace {
  const meta = isRecord(o.metadata) ? o.metadata : {};
  return { name: String(meta.name ?? ""), labels: stringMap(meta.labels) };
}

function podOf(o: Record<string, unknown>): WorkloadPod {
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const spec = isRecord(o.spec) ? o.spec : {};
  const status = isRecord(o.status) ? o.status : {};
  const ports: ContainerPort[] = [];
  for (const c of asArray(spec.containers)) {
    if (!isRecord(c)) continue;
    for (const p of asArray(c.ports)) {
      if (!isRecord(p) || typeof p.containerPort !== "number") continue;
      const port: ContainerPort = {
        port: p.containerPort,
        protocol: (typeof p.protocol === "string" ? p.protocol : "TCP") as Protocol,
      };
      if (typeof p.name === "string" && p.name) port.name = p.name;
      ports.push(port);
    }
  }
  const ips = asArray(status.podIPs).flatMap((x) => (isRecord(x) && typeof x.ip === "string" ? [x.ip] : []));
  if (ips.length === 0 && typeof status.podIP === "string") ips.push(status.podIP);
  return {
    namespace: String(meta.namespace ?? ""),
    name: String(meta.name ?? ""),
    labels: stringMap(meta.labels),
    ports,
    ips,
  };
}

// A finished pod has no traffic; a host-network pod uses the node's address, which NetworkPolicy does not govern.
function skipReason(o: Record<string, unknown>): string | undefined {
  const spec = isRecord(o.spec) ? o.spec : {};
  const status = isRecord(o.status) ? o.status : {};
  if (spec.hostNetwork === true) return "host network";
  if (status.phase === "Succeeded" || status.phase === "Failed") return `phase ${String(status.phase)}`;
  return undefined;
}

function stringMap(raw: unknown): Record<string, string> {
  if (!isRecord(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}
