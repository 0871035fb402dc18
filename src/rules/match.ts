// Pure: which policies a rule is about. Shared by the ignore step (normalize) and the waivers (compare).
import { matches } from "../analyse/selector.js";
import type { PolicyMatch } from "../model/rules.js";
import type { NormalizedPolicy } from "../model/types.js";
import { globMatch } from "../util/glob.js";

/**
 * Does the rule's match hold for this policy, seen on both sides (either may be absent)? Namespace and name
 * are the same on both; a selector holds when either side's labels satisfy it (a label that drifted must not
 * take a policy out of its own rule); a manager is only ever known from the live object.
 */
export function policyMatches(
  match: PolicyMatch,
  desired: NormalizedPolicy | undefined,
  live: NormalizedPolicy | undefined,
): boolean {
  const some = desired ?? live;
  if (!some) return false;
  if (match.namespace !== undefined && !globMatch(match.namespace, some.namespace)) return false;
  if (match.name !== undefined && !globMatch(match.name, some.name)) return false;
  if (match.selector) {
    const sel = match.selector;
    if (!(desired && matches(sel, desired.labels)) && !(live && matches(sel, live.labels))) return false;
  }
  if (match.manager !== undefined) {
    const glob = match.manager;
    if (!live?.managers?.some((m) => globMatch(glob, m.manager))) return false;
  }
  return true;
}

/** `file:line`, the way every message names a rule. */
export function ruleRef(at: { file: string; line: number }): string {
  return `${at.file}:${at.line}`;
}
