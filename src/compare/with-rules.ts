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
   * Both sides as the analysis sees them: wherever the report says "not drift" (an ignored field, a waived or
   * expected policy), the desired state; where it says drift, the live one. An effect then explains drift
   * the report lists, never something a rule set aside.
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
  const setAside = new Set([
    ...waived.outcome.waived.map(keyOf),
    ...waived.outcome.expected.map(keyOf),
    ...compared.drift.filter((d) => d.state === "unmanaged").map(keyOf),
  ]);
  for (const d of waived.drift) setAside.delete(keyOf(d));
  const analysisLive: NormalizedPolicy[] = [];
  for (const l of ignored.analysisLive) {
    const key = keyOf(l);
    if (!setAside.has(key)) analysisLive.push(l);
    else {
      const d = desiredByKey.get(key);
      if (d) analysisLive.push(d);
    }
  }
  // A waived missing policy: the analysis sees it live, as the desired state has it.
  for (const w of waived.outcome.waived) {
    const d = w.state === "missing" ? desiredByKey.get(keyOf(w)) : undefined;
    if (d) analysisLive.push(d);
  }
  return {
    drift: waived.drift,
    summary: recount(compared.summary, waived.drift, waived.outcome, ignored.ignoredPolicies),
    withheld: compared.withheld,
    rules: { file: rules.file, ...waived.outcome },
    analysis: { desired, live: analysisLive },
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
