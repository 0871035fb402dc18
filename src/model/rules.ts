// The rules file (`.netpol-drift.yaml` in the policy repo): what is never compared, which live-only policies are
// expected, and which drift is waived until a date. Loaded and validated by src/rules/, applied by
// src/normalize/ignore.ts (ignore) and src/compare/waivers.ts (unmanaged allow-list, waivers).
import type { ExpectedItem, ReportRules, Selector, Summary, WaivedItem, WaiverRef } from "./types.js";

export type { ExpectedItem, ReportRules, WaivedItem, WaiverRef };

/** Where a rule is written, for every message that names it. */
export interface RuleAt {
  file: string;
  line: number;
}

/**
 * Which policies a rule is about. Every part given must hold; absent parts match anything. `namespace` and
 * `name` are globs; `selector` is a label selector on the policy's own (compared) labels; `manager` a glob on
 * the field managers of the live object (any managedFields entry).
 */
export interface PolicyMatch {
  namespace?: string;
  name?: string;
  selector?: Selector;
  manager?: string;
}

/**
 * A JSON pointer into the policy as a manifest (`/spec/ingress/*\/from/*\/ipBlock/except`), split into its
 * unescaped segments. A segment is a glob: `*` is every element of a list or every key of a mapping.
 */
export type FieldPointer = string[];

export interface IgnoreRule {
  at: RuleAt;
  match: PolicyMatch;
  /** The whole policy is left out of the comparison. */
  whole: boolean;
  paths: FieldPointer[];
  /** Globs on field managers: the fields they own in the live object's managedFields are not compared. */
  fieldsOwnedBy: string[];
}

/** A live-only policy that is expected (an operator's, a mesh's, the tool's own). */
export interface UnmanagedRule {
  at: RuleAt;
  match: PolicyMatch;
  reason?: string;
}

export interface Waiver {
  at: RuleAt;
  match: PolicyMatch;
  reason: string;
  owner: string;
  /** A calendar date (YYYY-MM-DD): the waiver holds through the end of that day, UTC. */
  expires: string;
}

export interface Rules {
  /** The file the rules came from; undefined when there is none (every list empty). */
  file?: string;
  ignore: IgnoreRule[];
  unmanaged: UnmanagedRule[];
  /** "desired-namespaces": live-only policies count as unmanaged only where the desired folder has policies. */
  unmanagedIn: "all" | "desired-namespaces";
  waivers: Waiver[];
}

export const noRules = (): Rules => ({ ignore: [], unmanaged: [], unmanagedIn: "all", waivers: [] });

/** What the rules did to a report: every entry here is shown, none of it counts as drift. */
export interface RulesOutcome extends ReportRules {
  waived: WaivedItem[];
}

/** The report's counts with rules in effect: what the rules set aside is counted apart, never as drift. */
export interface RulesSummary extends Summary {
  /** Drift items an active waiver covers. */
  waived: number;
  /** Live-only policies the allow-list expects, or outside the desired namespaces (`unmanagedIn`). */
  expected: number;
  /** Policies an ignore rule leaves out whole. */
  ignored: number;
}
