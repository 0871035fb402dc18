import type { ParseArgsConfig } from "node:util";
import { AnalysisOptionsError, parseAllowList } from "../analyse/options.js";
import type { AnalysisOptions } from "../analyse/types.js";
import { UsageError, ValuesFileError } from "../model/errors.js";
import { resolveAnalysisOptions, type AnalysisSettings } from "../pipeline/analysis-options.js";
import type { LiveSourceOptions } from "../pipeline/report.js";
import { clusterWorkloadsFor, type WorkloadsSource } from "../pipeline/workloads.js";

// Flags of the traffic analysis, shared by `report`, `check` and `eval`.
export const ANALYSIS_FLAGS = {
  values: { type: "string" },
  "tenant-pattern": { type: "string" },
  "egress-allow": { type: "string", multiple: true },
  "air-gapped": { type: "string", multiple: true },
  "ipblock-matches-pods": { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

export const ANALYSIS_HELP = `Analysis:
  --values FILE                 Helm values: tenant.<name>.allow_internet=false marks an air-gapped tenant,
                                tenant.<name>.namespace, egressAllowList and tenant.<name>.egressAllowList
                                (name: CIDR or {cidr, except}), networkPolicies.dns (where kube-dns runs)
  --tenant-pattern GLOB         namespaces that are tenants, one * = the tenant name (default tenant-*)
  --egress-allow CIDR[!EXC…]    external egress allowed everywhere (repeatable or comma-separated; each
                                exception after a !); with none given and no
                                egressAllowList in --values, the allow-list invariant is not checked
  --air-gapped NAME             tenant (name or namespace) with no external egress at all (repeatable)
  --ipblock-matches-pods        let ipBlock peers match pod IPs (CNI-dependent; default: they never do)`;

// Where the analysis gets real namespaces and pods (labels, named container ports), shared by `report` and `eval`.
export const WORKLOADS_FLAGS = {
  workloads: { type: "string" },
  "resolve-workloads": { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

export const WORKLOADS_HELP = `  --workloads FILE|-            a \`kubectl get namespaces,pods -A -o json|yaml\` capture (labels, container ports)
  --resolve-workloads           list namespaces and pods from the cluster instead (opt-in: needs RBAC list on
                                namespaces and pods, which the default ServiceAccount does not have; see
                                deploy/optional/workloads-reader.yaml)`;

type Values = { values?: string; "tenant-pattern"?: string; "egress-allow"?: string[]; "air-gapped"?: string[]; "ipblock-matches-pods"?: boolean };

/** Flags → settings, validated; the --values file is named, not read. */
export function analysisSettings(v: Values): AnalysisSettings {
  const pattern = v["tenant-pattern"];
  if (pattern && (pattern.match(/\*/g) ?? []).length > 1) throw new UsageError("--tenant-pattern takes at most one *");
  let egressAllow;
  try {
    egressAllow = parseAllowList(v["egress-allow"] ?? [], "--egress-allow");
  } catch (err) {
    if (err instanceof AnalysisOptionsError) throw new UsageError(err.message);
    throw err;
  }
  return {
    ...(pattern ? { tenantPattern: pattern } : {}),
    egressAllow,
    airGapped: v["air-gapped"] ?? [],
    ipBlockMatchesPods: Boolean(v["ipblock-matches-pods"]),
    ...(v.values ? { values: { path: v.values, name: v.values, setting: "--values" } } : {}),
  };
}

/** For commands that need the options before anything else runs (check, eval): a bad --values is a usage error. */
export async function analysisOptions(v: Values): Promise<AnalysisOptions> {
  try {
    return await resolveAnalysisOptions(analysisSettings(v));
  } catch (err) {
    if (err instanceof ValuesFileError) throw new UsageError(err.message);
    throw err;
  }
}

/** --workloads / --resolve-workloads → the workloads source; the cluster one uses the live side's kubeconfig. */
export function workloadsSource(v: { workloads?: string; "resolve-workloads"?: boolean; "live-file"?: string }, live: LiveSourceOptions): WorkloadsSource | undefined {
  if (v.workloads && v["resolve-workloads"]) throw new UsageError("--workloads and --resolve-workloads are two sources of workloads: pass one");
  if (v.workloads === "-" && v["live-file"] === "-") throw new UsageError("--workloads - and --live-file - cannot both read stdin");
  if (v.workloads) return { kind: "file", file: v.workloads };
  return v["resolve-workloads"] ? clusterWorkloadsFor(live, "--resolve-workloads") : undefined;
}
