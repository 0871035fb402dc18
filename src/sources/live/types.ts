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
  /** File captures only: what the capture says about its own scope and contents. */
  capture?: CaptureFacts;
}

/** A capture carries no marker of the namespaces it was taken from: what it holds, and what the user said. */
export interface CaptureFacts {
  /** How problems name it: "read FILE". */
  call: string;
  /** The namespaces of the NetworkPolicies in it, sorted. */
  namespaces: string[];
  /** The user said it covers every namespace (`-A`). */
  allNamespaces: boolean;
  /** How many of its policies carry no managedFields (kubectl hides them without --show-managed-fields). */
  withoutManagedFields: number;
}

/** A live source after normalisation: each object normalised as it was read, the raw one dropped. */
export interface LivePolicies extends Omit<LiveList, "objects"> {
  policies: NormalizedPolicy[];
}
