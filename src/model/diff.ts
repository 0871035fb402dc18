// What `netpol-drift diff` concludes about a change to the policy repo: the policies it adds, removes or
// changes, what that does to traffic, and the baseline violations it introduces or fixes.
import type { AnalysisInfo, NamespaceEffect, Violation } from "./analysis.js";
import type { CheckResult } from "./check.js";
import type { Problem, Skipped } from "./types.js";

export type PolicyChange = "added" | "removed" | "changed";
export type FailOn = "any" | "widens" | "violation";
export const FAIL_ON: readonly FailOn[] = ["any", "widens", "violation"];

export interface DiffSide {
  /** As the user named it: the ref or the folder. */
  name: string;
  /** The commit a ref resolved to; absent for a folder. */
  commit?: string;
  /** Path of the desired folder, as files are named in the output (repo-relative for refs). */
  root: string;
}

export interface ChangedPolicy {
  change: PolicyChange;
  namespace: string;
  name: string;
  /** The file on the head side (the base side for a removed policy), relative to the desired folder. */
  file?: string;
  line?: number;
  changes: { path: string; base?: unknown; head?: unknown }[];
  /** Unified diff of the normalised YAML, base → head. */
  diff: string;
}

export interface DiffResult {
  complete: boolean;
  base: DiffSide;
  head: DiffSide;
  summary: { base: number; head: number; unchanged: number; added: number; removed: number; changed: number };
  policies: ChangedPolicy[];
  /** One entry per namespace with a changed policy: what the change does to traffic there. */
  effects: NamespaceEffect[];
  /** Violations on the head side that the base side does not have, and those the change fixes. */
  violations: { introduced: Violation[]; fixed: Violation[]; unchanged: number };
  problems: (Problem & { side: "base" | "head" })[];
  skipped: (Skipped & { side: "base" | "head" })[];
  analysis: AnalysisInfo;
  /** With a rules file: its waivers past their date, ending within 7 days, matching no policy of the head. */
  waivers?: CheckResult["waivers"];
}
