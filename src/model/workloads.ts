// Real namespaces and pods for the analysis: what a workloads capture or the cluster lister yields. Produced by
// sources/workloads, read by analyse; plain data, so neither depends on the other.
import type { Protocol } from "./protocol.js";

/** A container port a named port can resolve to. */
export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface WorkloadNamespace {
  name: string;
  labels: Record<string, string>;
}

export interface WorkloadPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
  ips: string[];
}

/** What a `kubectl get namespaces,pods -A` capture (or the cluster lister) yields. */
export interface Workloads {
  namespaces: WorkloadNamespace[];
  pods: WorkloadPod[];
  /** Where it came from, for the report. */
  origin: string;
}
