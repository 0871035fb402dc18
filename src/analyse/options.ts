// Analysis options from the chart's Helm values (tenant.<name>.allow_internet, egressAllowList, dns) and from
// flags. Pure: the caller reads the file. The nightly config loader can build the same AnalysisOptions.
import type { IPBlock } from "../model/types.js";
import { isRecord } from "../normalize/canonical.js";
import { parseCidr } from "./cidr.js";
import { tenantOf } from "./tenants.js";
import type { AnalysisOptions } from "./types.js";

export class AnalysisOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnalysisOptionsError";
  }
}

/** Merge Helm values into options: tenants and their namespaces, air-gapped tenants, allow-lists, DNS.
 *  `label` prefixes error messages; empty when the caller names the file itself. */
export function optionsFromValues(values: unknown, base: AnalysisOptions, label = "values"): AnalysisOptions {
  const out: AnalysisOptions = structuredClone(base);
  if (!isRecord(values)) return out;
  const at = label ? `${label}: ` : "";
  if (isRecord(values.egressAllowList)) out.egressAllowList = [...(out.egressAllowList ?? []), ...allowList(values.egressAllowList, `${at}egressAllowList`)];
  const tenants = isRecord(values.tenant) ? values.tenant : {};
  for (const [name, t] of Object.entries(tenants)) {
    if (!isRecord(t) || t.enabled === false) continue;
    const ns = typeof t.namespace === "string" && t.namespace ? t.namespace : tenantNamespace(name, out);
    out.tenants[name] = ns;
    if (t.allow_internet === false || t.allow_internet === "false") out.airGapped = [...new Set([...out.airGapped, ns])];
    if (isRecord(t.egressAllowList)) {
      out.namespaceEgressAllowList[ns] = [...(out.namespaceEgressAllowList[ns] ?? []), ...allowList(t.egressAllowList, `${at}tenant.${name}.egressAllowList`)];
    }
  }
  const dns = isRecord(values.networkPolicies) && isRecord(values.networkPolicies.dns) ? values.networkPolicies.dns : undefined;
  if (dns && typeof dns.namespace === "string") out.dns.namespace = dns.namespace;
  if (dns && isRecord(dns.podLabels)) out.dns.podLabels = Object.fromEntries(Object.entries(dns.podLabels).map(([k, v]) => [k, String(v)]));
  return out;
}

/** `name: cidr` or `name: {cidr, except}` entries. */
function allowList(raw: Record<string, unknown>, where: string): IPBlock[] {
  return Object.entries(raw).map(([name, v]) => {
    const block: IPBlock = typeof v === "string" ? { cidr: v } : isRecord(v) && typeof v.cidr === "string" ? { cidr: v.cidr, ...(Array.isArray(v.except) ? { except: v.except.map(String) } : {}) } : { cidr: "" };
    for (const c of [block.cidr, ...(block.except ?? [])]) if (!parseCidr(c)) throw new AnalysisOptionsError(`${where}.${name}: "${c}" is not a CIDR`);
    return block;
  });
}

/** A tenant named on the command line: its namespace, whether given as the namespace or the tenant's name. */
export function tenantNamespace(nameOrNamespace: string, options: Pick<AnalysisOptions, "tenantPattern" | "tenants">): string {
  if (options.tenants[nameOrNamespace]) return options.tenants[nameOrNamespace];
  if (tenantOf(nameOrNamespace, options) !== undefined) return nameOrNamespace;
  return options.tenantPattern.includes("*") ? options.tenantPattern.replace("*", nameOrNamespace) : nameOrNamespace;
}

export function parseAllowEntry(text: string): IPBlock {
  // CIDR, optionally with exceptions: 203.0.113.0/24!203.0.113.128/25,203.0.113.7/32
  const [cidr, except] = text.split("!");
  const block: IPBlock = { cidr: cidr ?? "" };
  if (except) block.except = except.split(",");
  for (const c of [block.cidr, ...(block.except ?? [])]) if (!parseCidr(c)) throw new AnalysisOptionsError(`--egress-allow: "${c}" is not a CIDR`);
  return block;
}
