import type { NormalizedPolicy } from "../../model/types.js";

/** What a live source yields: every NetworkPolicy in scope, as the API server returned it. Never partial. */
export interface LiveList {
  objects: Record<string, unknown>[];
  /** Human name of where it came from: kube context / cluster, or the capture file. */
  cluster: string;
  /** Source description for the report, e.g. "https://10.0.0.1:6443 (context prod)" or "file: x.json". */
  origin: string;
  /** How many list requests were made (1 for a file). */
  requests: number;
}

/** A live source after normalisation: each object normalised as it was read, the raw one dropped. */
export interface LivePolicies extends Omit<LiveList, "objects"> {
  policies: NormalizedPolicy[];
}

/** Which namespaces to list: all (`[]`), or exactly these. Exclusion globs are applied after listing. */
export interface NamespaceScope {
  namespaces: string[];
  exclude: string[];
}
