// Settings of the analysis stage. Its results (effects, violations) are model types (src/model/analysis.ts),
// its inputs besides policies too (src/model/workloads.ts); import those from model/, never through here.
import type { IPBlock } from "../model/types.js";
import type { AnalysisLevel } from "../model/analysis.js";

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
  /** Full: the most flows the report carries (default DEFAULT_MAX_FLOWS; 0 = every flow). */
  maxFlows?: number;
  /** Where cluster DNS lives, for the "egress allows DNS and nothing else" invariant. */
  dns: { namespace: string; podLabels: Record<string, string> };
}

/** The flows a full report carries by default: about 25 MB of JSON, a few tens of MB of memory. */
export const DEFAULT_MAX_FLOWS = 25_000;

export const defaultAnalysisOptions = (): AnalysisOptions => ({
  tenantPattern: "tenant-*",
  tenants: {},
  namespaceEgressAllowList: {},
  airGapped: [],
  ipBlockMatchesPods: false,
  dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
});
