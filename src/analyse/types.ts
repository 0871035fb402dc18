// Types of the analysis stage: what the drift does to traffic, and the baseline invariants. The report model
// imports these by type only.
import type { IPBlock, Protocol } from "../model/types.js";

/** Settings of the analysis. The nightly config file and the CLI flags both produce one of these. */
export interface AnalysisOptions {
  /** Glob (one `*`) over namespace names that are tenants; the `*` part is the tenant's name. */
  tenantPattern: string;
  /** Extra tenant namespaces by name (e.g. from Helm values `tenant.<name>.namespace`), tenant name → namespace. */
  tenants: Record<string, string>;
  /** External egress allowed everywhere. Undefined = the allow-list invariant is not checked. */
  egressAllowList?: IPBlock[];
  /** Per-namespace additions to the allow-list (a tenant's own systems). */
  namespaceEgressAllowList: Record<string, IPBlock[]>;
  /** Tenant namespaces that must have no external egress at all. */
  airGapped: string[];
  /** Whether an ipBlock peer can match a pod IP. CNIs differ; off = ipBlock never matches pods. */
  ipBlockMatchesPods: boolean;
  /** full (default): effects with every flow; summary: effect kind and flow counts per namespace; off: drift only. */
  level?: AnalysisLevel;
  /** Where cluster DNS lives, for the "egress allows DNS and nothing else" invariant. */
  dns: { namespace: string; podLabels: Record<string, string> };
}

export const defaultAnalysisOptions = (): AnalysisOptions => ({
  tenantPattern: "tenant-*",
  tenants: {},
  namespaceEgressAllowList: {},
  airGapped: [],
  ipBlockMatchesPods: false,
  dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
});

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

// The analysis results the report carries are part of our model (src/model/analysis.ts); re-exported here so
// the analysis code reads them from its own folder.
export type {
  AnalysisInfo,
  AnalysisLevel,
  EffectKind,
  Flow,
  FlowEnd,
  InvariantId,
  NamespaceEffect,
  RuleRef,
  SideDecision,
  Violation,
} from "../model/analysis.js";
import type { AnalysisLevel, SideDecision } from "../model/analysis.js";

export interface EvalEndpoint {
  /** `namespace/pod`, `namespace/{labels}` or an IP address. */
  name: string;
  kind: "pod" | "external";
}

export interface EvalResult {
  allowed: boolean;
  from: EvalEndpoint;
  to: EvalEndpoint;
  protocol: Protocol;
  port: number;
  egress: SideDecision & { allowed: boolean; reason: string };
  ingress: SideDecision & { allowed: boolean; reason: string };
  notes: string[];
}
