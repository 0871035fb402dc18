import path from "node:path";
import type { z } from "zod";
import { AnalysisOptionsError, parseAllowList } from "../analyse/options.js";
import { DEFAULT_MAX_FLOWS } from "../analyse/types.js";
import { FIELDS } from "../config/schema.js";
import type { AnalysisLevel } from "../model/analysis.js";
import { UsageError } from "../model/errors.js";
import type { AnalysisSettings, LiveSourceOptions, WorkloadsSource } from "../model/sources.js";
import { clusterWorkloadsFor } from "../sources/workloads/index.js";
import type { FlagValues } from "./flags.js";

// Flags of the traffic analysis, shared by `report`, `check`, `eval` and `diff`. The --values file is named
// here and read by the worker (workers/inputs.ts), the same way for every command.
export const ANALYSIS_FLAGS = {
  values: { type: "string" },
  "tenant-pattern": { type: "string" },
  "egress-allow": { type: "string", multiple: true },
  "air-gapped": { type: "string", multiple: true },
  "ipblock-matches-pods": { type: "boolean" },
} as const;

export const ANALYSIS_HELP = `Analysis:
  --values FILE                 Helm values: tenant.<name>.allow_internet=false marks an air-gapped tenant,
                                tenant.<name>.namespace, egressAllowList and tenant.<name>.egressAllowList
                                (name: CIDR or {cidr, except}), networkPolicies.dns (where kube-dns runs)
  --tenant-pattern GLOB         namespaces that are tenants, one * = the tenant name (default tenant-*)
  --egress-allow CIDR[!EXC…]    external egress allowed everywhere (repeatable or comma-separated; each
                                exception after a !); with none given and no
                                egressAllowList in --values, the allow-list invariant is not checked
  --air-gapped NAME             tenant (name or namespace) with no external egress at all (repeatable)
  --ipblock-matches-pods        let ipBlock peers match pod IPs (CNI-dependent; default: they never do)
  The nightly run's settings are read too, a flag winning over its variable: NETPOL_DRIFT_TENANT_PATTERN,
  NETPOL_DRIFT_EGRESS_ALLOW (comma-separated, exceptions after !), NETPOL_DRIFT_AIR_GAPPED (comma-separated),
  NETPOL_DRIFT_VALUES (relative to the working directory), NETPOL_DRIFT_RESOLVE_WORKLOADS (report: true|false).`;

/** The flow cap alone: `diff` lists flows too, and has no analysis level. */
export const MAX_FLOWS_FLAGS = { "max-flows": { type: "string" } } as const;

// How much analysis `report` carries; NETPOL_DRIFT_ANALYSIS (as for `run`) when the flag is absent.
export const LEVEL_FLAGS = {
  analysis: { type: "string" },
  ...MAX_FLOWS_FLAGS,
} as const;

export const MAX_FLOWS_HELP = `  --max-flows N                 list at most N flows in all (default ${DEFAULT_MAX_FLOWS}); past it the namespaces
                                that only narrow give up their lists first and keep their counts, and the
                                output says so. 0 lists every flow. Default from NETPOL_DRIFT_MAX_FLOWS`;

export const LEVEL_HELP = `  --analysis full|summary|off   full (default): effects with every flow; summary: effect kind and flow
                                counts per namespace; off: drift only (no effects, no invariants).
                                Default from NETPOL_DRIFT_ANALYSIS
${MAX_FLOWS_HELP}`;

const LEVELS: readonly AnalysisLevel[] = ["full", "summary", "off"];

/** The flag wins over the environment; anything else than the three levels is a usage error naming its source. */
export function analysisLevel(flag: string | undefined, env: NodeJS.ProcessEnv): AnalysisLevel | undefined {
  const [value, source] =
    flag !== undefined ? [flag, "--analysis"] : [env.NETPOL_DRIFT_ANALYSIS, "NETPOL_DRIFT_ANALYSIS"];
  if (value === undefined || value === "") return undefined;
  if (!(LEVELS as readonly string[]).includes(value))
    throw new UsageError(`${source} must be one of ${LEVELS.join(", ")}, got "${value}"`);
  return value as AnalysisLevel;
}

/** The flow cap: the flag wins over NETPOL_DRIFT_MAX_FLOWS; a whole number ≥ 0, else a usage error naming its source. */
export function maxFlows(flag: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const [value, source] =
    flag !== undefined ? [flag, "--max-flows"] : [env.NETPOL_DRIFT_MAX_FLOWS, "NETPOL_DRIFT_MAX_FLOWS"];
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,9}$/.test(value.trim()))
    throw new UsageError(`${source} must be a whole number of flows (0 = every flow), got "${value}"`);
  return Number(value.trim());
}

// Where the analysis gets real namespaces and pods (labels, named container ports), shared by `report` and `eval`.
export const WORKLOADS_FLAGS = {
  workloads: { type: "string" },
  "resolve-workloads": { type: "boolean" },
} as const;

export const WORKLOADS_HELP = `  --workloads FILE|-            a \`kubectl get namespaces,pods -A -o json|yaml\` capture (labels, container ports)
  --resolve-workloads           list namespaces and pods from the cluster instead (opt-in: needs RBAC list on
                                namespaces and pods, which the default ServiceAccount does not have; see
                                deploy/optional/workloads-reader.yaml)`;

type Values = FlagValues<typeof ANALYSIS_FLAGS>;

/**
 * Flags → settings, validated; the --values file is named, not read. The NETPOL_DRIFT_* analysis variables the
 * nightly run reads fill in what no flag gave, so the in-cluster report checks what the run checks.
 */
export function analysisSettings(v: Values, env: NodeJS.ProcessEnv = {}): AnalysisSettings {
  const pattern = v["tenant-pattern"] ?? fromEnv(env, "tenantPattern");
  if (pattern && (pattern.match(/\*/g) ?? []).length > 1) throw new UsageError("--tenant-pattern takes at most one *");
  let egressAllow: ReturnType<typeof parseAllowList>;
  try {
    egressAllow = v["egress-allow"]
      ? parseAllowList(v["egress-allow"], "--egress-allow")
      : (fromEnv(env, "egressAllow") ?? []);
  } catch (err) {
    if (err instanceof AnalysisOptionsError) throw new UsageError(err.message);
    throw err;
  }
  const values = v.values
    ? { path: v.values, name: v.values, setting: "--values" }
    : env.NETPOL_DRIFT_VALUES
      ? { path: path.resolve(env.NETPOL_DRIFT_VALUES), name: env.NETPOL_DRIFT_VALUES, setting: "NETPOL_DRIFT_VALUES" }
      : undefined;
  return {
    ...(pattern ? { tenantPattern: pattern } : {}),
    egressAllow,
    airGapped: v["air-gapped"] ?? fromEnv(env, "airGapped") ?? [],
    ipBlockMatchesPods: Boolean(v["ipblock-matches-pods"]),
    ...(values ? { values } : {}),
  };
}

/** --resolve-workloads, else NETPOL_DRIFT_RESOLVE_WORKLOADS=true. */
export function resolveWorkloadsOf(v: { "resolve-workloads"?: boolean }, env: NodeJS.ProcessEnv = {}): boolean {
  return v["resolve-workloads"] ?? fromEnv(env, "resolveWorkloads") ?? false;
}

type EnvField = "tenantPattern" | "egressAllow" | "airGapped" | "resolveWorkloads";

/** One analysis variable, validated by the same schema as the nightly run's configuration; unset → undefined. */
function fromEnv<K extends EnvField>(
  env: NodeJS.ProcessEnv,
  key: K,
): z.output<(typeof FIELDS)[K]["schema"]> | undefined {
  const field = FIELDS[key];
  const raw = env[field.env];
  if (raw === undefined || raw === "") return undefined;
  const parsed = field.schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${field.env}: ${parsed.error.issues[0]?.message ?? "is not valid"}`);
  return parsed.data as z.output<(typeof FIELDS)[K]["schema"]>;
}

/**
 * --workloads / --resolve-workloads → the workloads source; the cluster one uses the live side's kubeconfig.
 * `report` and `eval` both come here, so both refuse the same combinations. NETPOL_DRIFT_RESOLVE_WORKLOADS is
 * read only where `env` is passed (report: the in-cluster report checks what the run checks).
 */
export function workloadsSource(
  v: { workloads?: string; "resolve-workloads"?: boolean; "live-file"?: string },
  live: LiveSourceOptions,
  env: NodeJS.ProcessEnv = {},
): WorkloadsSource | undefined {
  if (v.workloads && v["resolve-workloads"])
    throw new UsageError("--workloads and --resolve-workloads are two sources of workloads: pass one");
  if (v.workloads === "-" && v["live-file"] === "-")
    throw new UsageError("--workloads - and --live-file - cannot both read stdin");
  if (v.workloads) return { kind: "file", file: v.workloads };
  if (v["resolve-workloads"]) return clusterWorkloadsFor(live, "--resolve-workloads");
  // From the environment only when the live side is a cluster: a capture has no pods to list.
  return resolveWorkloadsOf(v, env) && live.kind === "cluster"
    ? clusterWorkloadsFor(live, "NETPOL_DRIFT_RESOLVE_WORKLOADS")
    : undefined;
}
