// Which namespaces are tenants, and the tenant's name: from the configured glob or the explicit list.
import type { AnalysisOptions } from "./types.js";

export function tenantOf(
  namespace: string,
  options: Pick<AnalysisOptions, "tenantPattern" | "tenants">,
): string | undefined {
  for (const [name, ns] of Object.entries(options.tenants)) if (ns === namespace) return name;
  const [pre, post] = splitPattern(options.tenantPattern);
  if (post === undefined) return namespace === pre ? namespace : undefined;
  if (namespace.length > pre.length + post.length && namespace.startsWith(pre) && namespace.endsWith(post)) {
    return namespace.slice(pre.length, namespace.length - post.length);
  }
  return undefined;
}

function splitPattern(pattern: string): [string, string | undefined] {
  const i = pattern.indexOf("*");
  return i < 0 ? [pattern, undefined] : [pattern.slice(0, i), pattern.slice(i + 1)];
}
