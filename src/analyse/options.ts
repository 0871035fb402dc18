// Analysis options from the chart's Helm values (tenant.<name>.allow_internet, egressAllowList, dns) and from
// flags. Pure: the caller reads the file. The nightly config loader can build the same AnalysisOptions.
import type { IPBlock } from "../model/types.js";
import { isRecord } from "../util/values.js";
import { parseCidr, type IpRange } from "./cidr.js";
import { tenantOf } from "./tenants.js";
import type { AnalysisOptions } from "./types.js";

export class AnalysisOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnalysisOptionsError";
  }
}

/** Merge Helm values into options: tenants and their namespaces, air-gapped tenants, allow-lists, DNS.
 *  Error messages name the entry (`tenant.acme.egressAllowList.x`); the caller names the file. */
export function optionsFromValues(values: unknown, base: AnalysisOptions): AnalysisOptions {
  const out: AnalysisOptions = structuredClone(base);
  if (!isRecord(values)) return out;
  if (isRecord(values.egressAllowList))
    out.egressAllowList = [...(out.egressAllowList ?? []), ...allowList(values.egressAllowList, "egressAllowList")];
  const tenants = isRecord(values.tenant) ? values.tenant : {};
  for (const [name, t] of Object.entries(tenants)) {
    if (!isRecord(t) || t.enabled === false) continue;
    const ns = typeof t.namespace === "string" && t.namespace ? t.namespace : tenantNamespace(name, out);
    out.tenants[name] = ns;
    if (t.allow_internet === false || t.allow_internet === "false")
      out.airGapped = [...new Set([...out.airGapped, ns])];
    if (isRecord(t.egressAllowList)) {
      out.namespaceEgressAllowList[ns] = [
        ...(out.namespaceEgressAllowList[ns] ?? []),
        ...allowList(t.egressAllowList, `tenant.${name}.egressAllowList`),
      ];
    }
  }
  const dns =
    isRecord(values.networkPolicies) && isRecord(values.networkPolicies.dns) ? values.networkPolicies.dns : undefined;
  if (dns && typeof dns.namespace === "string") out.dns.namespace = dns.namespace;
  if (dns && isRecord(dns.podLabels))
    out.dns.podLabels = Object.fromEntries(Object.entries(dns.podLabels).map(([k, v]) => [k, String(v)]));
  return out;
}

/** `name: cidr` or `name: {cidr, except}` entries. */
function allowList(raw: Record<string, unknown>, where: string): IPBlock[] {
  return Object.entries(raw).map(([name, v]) => {
    const block: IPBlock =
      typeof v === "string"
        ? { cidr: v }
        : isRecord(v) && typeof v.cidr === "string"
          ? { cidr: v.cidr, ...(Array.isArray(v.except) ? { except: v.except.map(String) } : {}) }
          : { cidr: "" };
    for (const c of [block.cidr, ...(block.except ?? [])])
      if (!parseCidr(c)) throw new AnalysisOptionsError(`${where}.${name}: "${c}" is not a CIDR`);
    return block;
  });
}

/** A tenant named on the command line: its namespace, whether given as the namespace or the tenant's name. */
export function tenantNamespace(
  nameOrNamespace: string,
  options: Pick<AnalysisOptions, "tenantPattern" | "tenants">,
): string {
  if (options.tenants[nameOrNamespace]) return options.tenants[nameOrNamespace];
  if (tenantOf(nameOrNamespace, options) !== undefined) return nameOrNamespace;
  return options.tenantPattern.includes("*") ? options.tenantPattern.replace("*", nameOrNamespace) : nameOrNamespace;
}

/**
 * The one grammar of an allow-list written as text, for the --egress-allow flag (repeatable) and
 * NETPOL_DRIFT_EGRESS_ALLOW alike: entries separated by commas, each a CIDR with its exceptions after `!` —
 * `10.0.0.0/8!10.1.0.0/16!10.2.0.0/16,192.0.2.0/24`. An entry that lies inside another entry's CIDR is refused,
 * not read: it is redundant at best, and at worst an exception written with a comma (`CIDR!EXC,EXC`), which read
 * as an entry would allow what was meant to be excepted.
 */
export function parseAllowList(texts: string[], setting: string): IPBlock[] {
  const blocks = texts
    .flatMap((t) => t.split(","))
    .map((x) => x.trim())
    .filter(Boolean)
    .map((entry) => {
      const [cidr = "", ...except] = entry.split("!").map((x) => x.trim());
      const bad = [cidr, ...except].find((c) => !parseCidr(c));
      if (bad !== undefined)
        throw new AnalysisOptionsError(
          `${setting}: "${bad}" is not a CIDR (entries are CIDR or CIDR!EXCEPT!EXCEPT, comma-separated)`,
        );
      const outer = parseCidr(cidr)!;
      const outside = except.find((e) => !within(parseCidr(e)!, outer));
      if (outside !== undefined)
        throw new AnalysisOptionsError(`${setting}: exception "${outside}" is not inside ${cidr}`);
      return except.length > 0 ? { cidr, except } : { cidr };
    });
  for (const a of blocks) {
    const inside = blocks.find(
      (b) =>
        b !== a &&
        within(parseCidr(a.cidr)!, parseCidr(b.cidr)!) &&
        !(b.cidr === a.cidr && blocks.indexOf(b) > blocks.indexOf(a)),
    );
    if (inside) {
      throw new AnalysisOptionsError(
        `${setting}: "${a.cidr}" lies inside the entry "${inside.cidr}"; an exception is written after "!" (${inside.cidr}!${a.cidr}), and an allowed range inside another is redundant`,
      );
    }
  }
  return blocks;
}

function within(inner: IpRange, outer: IpRange): boolean {
  return inner.family === outer.family && inner.lo >= outer.lo && inner.hi <= outer.hi;
}
