import type { Rules, RulesOutcome, RulesSummary } from "../model/rules.js";
import type { DriftItem, NormalizedPolicy, Problem, Summary } from "../model/types.js";
import { applyIgnoreRules } from "../normalize/ignore.js";
import { type Comparison, compare } from "./compare.js";
import { sameComparable } from "./same.js";
import { applyWaivers } from "./waivers.js";

// normalize (ignore) → compare → waivers, as one pure step for the detect core. With no rules it is compare().

export interface RuledComparison extends Comparison {
  summary: Summary | RulesSummary;
  /** What the rules did; absent when there were none (no file). */
  rules?: RulesOutcome;
  /**
   * Both sides as the analysis sees them: an ignored field or policy holds the desired value (so no effect
   * stems from what is not compared). Waived and expected policies are seen as they are live: a waiver
   * accepts drift for a while, it does not make a baseline violation on the live side go away.
   */
  analysis: { desired: NormalizedPolicy[]; live: NormalizedPolicy[] };
}

export function compareWithRules(
  desired: NormalizedPolicy[],
  live: NormalizedPolicy[],
  problems: Problem[],
  rules: Rules,
  now: Date,
): RuledComparison {
  const ignored = applyIgnoreRules(desired, live, rules.ignore, sameComparable);
  const compared = compare(ignored.desired, ignored.live, problems);
  if (rules.file === undefined) return { ...compared, analysis: { desired, live: ignored.analysisLive } };

  const desiredByKey = new Map(desired.map((p) => [keyOf(p), p]));
  const liveByKey = new Map(ignored.live.map((p) => [keyOf(p), p]));
  const waived = applyWaivers({
    drift: compared.drift,
    rules,
    now,
    sides: (k) => ({ desired: desiredByKey.get(keyOf(k)), live: liveByKey.get(keyOf(k)) }),
    desiredNamespaces: new Set(desired.map((p) => p.namespace)),
  });
  return {
    drift: waived.drift,
    summary: recount(compared.summary, waived.drift, waived.outcome, ignored.ignoredPolicies),
    withheld: compared.withheld,
    rules: { file: rules.file, ...waived.outcome },
    analysis: { desired, live: ignored.analysisLive },
  };
}

/** Drift counts from what is still drift; waived, expected and ignored policies counted apart. */
function recount(
  base: Summary,
  drift: DriftItem[],
  outcome: Omit<RulesOutcome, "file">,
  ignoredPolicies: number,
): RulesSummary {
  const count = (state: string) => drift.filter((d) => d.state === state).length;
  return {
    ...base,
    missing: count("missing"),
    unmanaged: count("unmanaged"),
    modified: count("modified"),
    waived: outcome.waived.length,
    expected: outcome.expected.length + outcome.outsideDesiredNamespaces,
    ignored: ignoredPolicies,
  };
}

function keyOf(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
