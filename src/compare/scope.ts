import { globMatch } from "../util/glob.js";

/** Namespace scope shared by both sides: `-n` (exact names) and `--exclude-namespace` (globs). */
export interface Scope {
  namespaces: string[];
  exclude: string[];
}

export function inScope(namespace: string, scope: Scope): boolean {
  if (scope.namespaces.length > 0 && !scope.namespaces.includes(namespace)) return false;
  return !scope.exclude.some((g) => globMatch(g, namespace));
}
