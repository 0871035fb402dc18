import { inScope, type Scope } from "../../compare/scope.js";
import type { Problem } from "../../model/types.js";
import type { CaptureFacts } from "./types.js";

export interface CaptureScope {
  /** The namespaces the live side covers, `["*"]` for all. */
  covers: string[];
  /** Set when what the capture covers cannot be told and a verdict would depend on it. */
  problem?: Problem;
  notes: string[];
}

/**
 * What a capture covers. A capture carries no marker of its scope, so the user states it: `-A` = every
 * namespace, `-n NS` = those namespaces (as `kubectl get -n NS` took them). Unstated, a capture holding two
 * or more namespaces is an all-namespaces one (kubectl -n yields one); one holding one namespace or none
 * could be either, which matters only when a desired policy lies outside it: then it is a problem, never
 * "missing" (a -n capture) nor "in sync" (a namespace whose policies were all deleted).
 */
export function captureScope(facts: CaptureFacts, stated: Scope, desiredNamespaces: Iterable<string>): CaptureScope {
  const notes: string[] = [];
  if (facts.withoutManagedFields > 0) {
    const verb = facts.withoutManagedFields === 1 ? "carries" : "carry";
    notes.push(
      `${facts.withoutManagedFields} of the capture's policies ${verb} no managedFields (kubectl hides them unless --show-managed-fields): "changed by" is unavailable for them`,
    );
  }
  if (facts.allNamespaces) return { covers: ["*"], notes };
  if (stated.namespaces.length > 0)
    return {
      covers: [...stated.namespaces].sort(),
      notes: [...notes, `the capture is taken to cover namespaces ${stated.namespaces.join(", ")} (-n)`],
    };
  if (facts.namespaces.length >= 2) return { covers: ["*"], notes };
  const held = new Set(facts.namespaces);
  const outside = [...new Set([...desiredNamespaces].filter((ns) => !held.has(ns) && inScope(ns, stated)))].sort();
  if (outside.length === 0) return { covers: facts.namespaces, notes };
  const holds =
    facts.namespaces.length === 1 ? `NetworkPolicies of namespace ${facts.namespaces[0]} only` : "no NetworkPolicy";
  const pass =
    facts.namespaces.length === 1
      ? `pass -n ${facts.namespaces[0]} if it was taken with kubectl get -n ${facts.namespaces[0]}, or -A`
      : "pass -A";
  const shown =
    outside.length > 5 ? `${outside.slice(0, 5).join(", ")} and ${outside.length - 5} more` : outside.join(", ");
  return {
    covers: facts.namespaces,
    notes,
    problem: {
      call: facts.call,
      message: `the capture holds ${holds}, so it cannot tell whether the policies desired in ${shown} were deleted or were never captured: ${pass} if it covers every namespace`,
    },
  };
}
