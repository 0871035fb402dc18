// `netpol-drift check` as a pure function: the baseline invariants on the desired state alone.
import { checkInvariants } from "../analyse/invariants.js";
import type { AnalysisOptions } from "../analyse/types.js";
import type { CheckResult } from "../model/check.js";
import type { Outcome } from "../model/outcome.js";
import type { DesiredState, Problem } from "../model/types.js";
import type { Rules } from "../model/rules.js";
import { auditWaivers } from "../compare/waivers.js";

/**
 * `inputProblems`: what kept the settings from being read (the values file); they make the result incomplete,
 * as do the problems of the rules file.
 */
export function checkDesired(
  desired: DesiredState,
  options: AnalysisOptions,
  root: string,
  inputProblems: Problem[] = [],
  rules?: { rules: Rules; problems: Problem[]; now: Date },
): CheckResult {
  const result: CheckResult = {
    namespaces: [...new Set(desired.policies.map((p) => p.namespace))].sort(),
    violations: checkInvariants({ policies: desired.policies, side: "desired", options }),
    problems: [...desired.problems, ...inputProblems, ...(rules?.problems ?? [])],
    root,
  };
  // The waivers are reported, not judged: an expired one makes drift drift again in `report` and `run`.
  if (rules?.rules.file !== undefined) {
    result.waivers = { file: rules.rules.file, ...auditWaivers(rules.rules, desired.policies, rules.now) };
  }
  return result;
}

/** Clean, violations, or the desired state (or its settings) could not be read whole. */
export function checkOutcome(r: CheckResult): Outcome {
  if (r.problems.length > 0) return "incomplete";
  return r.violations.length > 0 ? "findings" : "clean";
}
