// `netpol-drift diff` as a pure function: two desired states (the base and the head of a change to the policy
// repo) → what the change does. It is the drift computation with git on both sides: the base stands where the
// desired state stands in a drift report, the head where the live state stands, so the effect on traffic, the
// "no effect" of a rename or reorder, and the invariants are exactly the drift report's.
import { analyseForReport } from "../analyse/report.js";
import { compare } from "../compare/compare.js";
import type { AnalysisOptions } from "../analyse/types.js";
import type { Violation } from "../model/analysis.js";
import type { ChangedPolicy, DiffResult, DiffSide, FailOn, PolicyChange } from "../model/diff.js";
import type { Outcome } from "../model/outcome.js";
import type { DesiredState, Problem } from "../model/types.js";
import type { Rules } from "../model/rules.js";
import { auditWaivers } from "../compare/waivers.js";

export function buildDiff(
  base: DesiredState,
  head: DesiredState,
  opts: {
    base: DiffSide;
    head: DiffSide;
    analysis: AnalysisOptions;
    /** The rules file of the head: checked (a malformed one is a problem) and its waivers audited, not applied. */
    rules?: { rules: Rules; problems: Problem[]; now: Date };
  },
): DiffResult {
  const problems = [
    ...base.problems.map((p) => ({ ...p, side: "base" as const })),
    ...head.problems.map((p) => ({ ...p, side: "head" as const })),
    ...(opts.rules?.problems ?? []).map((p) => ({ ...p, side: "head" as const })),
  ];
  const skipped = [
    ...base.skipped.map((s) => ({ ...s, side: "base" as const })),
    ...head.skipped.map((s) => ({ ...s, side: "head" as const })),
  ];
  // Problems on either side make the result incomplete (exit 2, see diffExitCode), so no verdict rests on them.
  const compared = compare(base.policies, head.policies, []);
  const baseByKey = new Map(base.policies.map((p) => [`${p.namespace}/${p.name}`, p]));
  const headByKey = new Map(head.policies.map((p) => [`${p.namespace}/${p.name}`, p]));
  const policies: ChangedPolicy[] = compared.drift.map((d) => {
    const change: PolicyChange = d.state === "missing" ? "removed" : d.state === "unmanaged" ? "added" : "changed";
    const origin = (change === "removed" ? baseByKey : headByKey).get(`${d.namespace}/${d.name}`)?.origin;
    return {
      change,
      namespace: d.namespace,
      name: d.name,
      ...(origin?.file ? { file: origin.file } : {}),
      ...(origin?.line ? { line: origin.line } : {}),
      changes: d.changes.map((c) => ({
        path: c.path,
        ...("desired" in c ? { base: c.desired } : {}),
        ...("live" in c ? { head: c.live } : {}),
      })),
      diff: relabel(d.diff),
    };
  });
  const analysed = analyseForReport({
    desired: base.policies,
    live: head.policies,
    context: [],
    namespaces: [...new Set(policies.map((p) => p.namespace))],
    options: opts.analysis,
  });
  const baseViolations = analysed.violations.filter((v) => v.side === "desired");
  // Both sides are folders, so the head's violations carry the head's files and lines for SARIF and JUnit.
  const headViolations = analysed.violations.filter((v) => v.side === "live");
  const baseKeys = new Set(baseViolations.map(violationKey));
  const headKeys = new Set(headViolations.map(violationKey));
  const introduced = headViolations
    .filter((v) => !baseKeys.has(violationKey(v)))
    .map((v) => ({ ...v, side: "desired" as const }));
  const fixed = baseViolations.filter((v) => !headKeys.has(violationKey(v)));
  return {
    complete: problems.length === 0,
    base: opts.base,
    head: opts.head,
    summary: {
      base: base.policies.length,
      head: head.policies.length,
      unchanged: compared.summary.inSync,
      added: compared.summary.unmanaged,
      removed: compared.summary.missing,
      changed: compared.summary.modified,
    },
    policies,
    effects: analysed.effects,
    violations: { introduced, fixed, unchanged: headViolations.length - introduced.length },
    problems,
    skipped,
    analysis: analysed.analysis,
    ...(opts.rules?.rules.file !== undefined
      ? { waivers: { file: opts.rules.rules.file, ...auditWaivers(opts.rules.rules, head.policies, opts.rules.now) } }
      : {}),
  };
}

/** kubectl diff's convention, narrowed by --fail-on: nothing to gate on, something, or incomplete. */
export function diffOutcome(r: DiffResult, failOn: FailOn = "any"): Outcome {
  if (!r.complete) return "incomplete";
  const opens = r.effects.some((e) => e.effect === "widens" || e.effect === "changes");
  const effect = r.effects.some((e) => e.effect !== "none");
  const violates = r.violations.introduced.length > 0;
  const found = failOn === "widens" ? opens : failOn === "violation" ? violates : effect || violates;
  return found ? "findings" : "clean";
}

// A violation is the same on both sides when the same invariant fails for the same policy and rule; the message
// may name other flows, and the head's line may have moved.
function violationKey(v: Violation): string {
  return JSON.stringify([v.invariant, v.namespace, v.policy ?? "", v.rule ?? ""]);
}

function relabel(diff: string): string {
  return diff.replace(/^--- desired\//m, "--- base/").replace(/^\+\+\+ live\//m, "+++ head/");
}
