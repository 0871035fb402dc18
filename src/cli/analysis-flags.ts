import type { ParseArgsConfig } from "node:util";
import { parseAllowEntry, tenantNamespace, AnalysisOptionsError } from "../analyse/options.js";
import { defaultAnalysisOptions, type AnalysisOptions } from "../analyse/types.js";
import { UsageError } from "../model/errors.js";
import { loadAnalysisOptions } from "../pipeline/check.js";

// Flags of the traffic analysis, shared by `check` and `eval`.
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
  --egress-allow CIDR[!EXC,…]   external egress allowed everywhere (repeatable); with none given and no
                                egressAllowList in --values, the allow-list invariant is not checked
  --air-gapped NAME             tenant (name or namespace) with no external egress at all (repeatable)
  --ipblock-matches-pods        let ipBlock peers match pod IPs (CNI-dependent; default: they never do)`;

type Values = { values?: string; "tenant-pattern"?: string; "egress-allow"?: string[]; "air-gapped"?: string[]; "ipblock-matches-pods"?: boolean };

export async function analysisOptions(v: Values): Promise<AnalysisOptions> {
  const base = defaultAnalysisOptions();
  if (v["tenant-pattern"]) {
    if ((v["tenant-pattern"].match(/\*/g) ?? []).length > 1) throw new UsageError("--tenant-pattern takes at most one *");
    base.tenantPattern = v["tenant-pattern"];
  }
  base.ipBlockMatchesPods = Boolean(v["ipblock-matches-pods"]);
  const options = await loadAnalysisOptions(base, v.values);
  try {
    if (v["egress-allow"]?.length) options.egressAllowList = [...(options.egressAllowList ?? []), ...v["egress-allow"].map(parseAllowEntry)];
  } catch (err) {
    if (err instanceof AnalysisOptionsError) throw new UsageError(err.message);
    throw err;
  }
  for (const name of v["air-gapped"] ?? []) options.airGapped = [...new Set([...options.airGapped, tenantNamespace(name, options)])];
  return options;
}
