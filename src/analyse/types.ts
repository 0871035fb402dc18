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

/** A policy rule, as the report names it. Index is in the normalised (sorted) rule order. */
export interface RuleRef {
  namespace: string;
  policy: string;
  direction: "ingress" | "egress";
  /** Position of the rule in the normalised spec; absent when the policy has no rule of that direction. */
  index?: number;
}

/** Why one side (sender egress or receiver ingress) lets a flow through or not. */
export interface SideDecision {
  /** False: no policy of this direction selects the endpoint (or it is external), so it is open. */
  isolated: boolean;
  /** The policies of this direction that select the endpoint, `namespace/name`. */
  policies: string[];
  /** The rules that allow the flow (empty when it is denied or the side is not isolated). */
  rules: RuleRef[];
}

export interface Flow {
  source: string;
  destination: string;
  protocol: Protocol | "any";
  /** "all", or a list like "53", "8000-8080, 9090", "http" (a named port left unresolved without workloads). */
  ports: string;
  /** Live-side decision: for an opened flow the rules that now allow it; for a closed one what now denies it. */
  egress: SideDecision;
  ingress: SideDecision;
}

export type EffectKind = "widens" | "narrows" | "changes" | "none";

export interface NamespaceEffect {
  namespace: string;
  effect: EffectKind;
  /** Allowed live, not in the desired state. */
  opened: Flow[];
  /** Allowed by the desired state, not live. */
  closed: Flow[];
}

export type InvariantId = "default-deny" | "dns-egress" | "tenant-isolation" | "egress-allow-list" | "air-gapped";

export interface Violation {
  invariant: InvariantId;
  side: "desired" | "live";
  namespace: string;
  /** The policy at fault; absent when the fault is a missing policy. */
  policy?: string;
  rule?: string;
  /** Desired side: where the policy is declared (relative to the desired root). */
  file?: string;
  line?: number;
  message: string;
}

/** What the report says about how the analysis was done, so a reader knows what a verdict rests on. */
export interface AnalysisInfo {
  /** "capture": real namespaces and pods; "representative": one stand-in per label combination selectors mention. */
  workloads: "capture" | "representative";
  ipBlockMatchesPods: boolean;
  notes: string[];
}

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
