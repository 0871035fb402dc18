import type { FieldPointer, IgnoreRule } from "../model/rules.js";
import type { NormalizedPolicy, NormalizedSpec } from "../model/types.js";
import { policyMatches } from "../rules/match.js";
import { fillPath, stripPath } from "../rules/pointer.js";
import { globMatch } from "../util/glob.js";

// The ignore step, gitops-engine's way: the last normaliser, run on the pair (desired and live of one
// namespace/name) so that an ignored field is absent on both sides alike. It runs on normalised policies, after
// the live pages are gone: what managedFields said is still there as `managers` (who owns which field), which
// is all `fieldsOwnedBy` needs. Pairs already equal are passed through untouched (most of a large cluster).

export interface IgnoreOutcome {
  /** Both sides as compared: ignored fields removed on both, wholly ignored policies left out. */
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
  /**
   * The live side as the analysis sees it: an ignored field holds the desired value, a wholly ignored policy
   * is the desired one (or absent when only live): what is ignored has no effect to report.
   */
  analysisLive: NormalizedPolicy[];
  /** Policies (namespace/name) the rules left out of the comparison entirely. */
  ignoredPolicies: number;
  /** Pairs where at least one field was ignored. */
  ignoredFieldsIn: number;
}

export function applyIgnoreRules(
  desired: NormalizedPolicy[],
  live: NormalizedPolicy[],
  rules: readonly IgnoreRule[],
  same: (d: NormalizedPolicy, l: NormalizedPolicy) => boolean,
): IgnoreOutcome {
  if (rules.length === 0) return { desired, live, analysisLive: live, ignoredPolicies: 0, ignoredFieldsIn: 0 };
  const liveByKey = new Map(live.map((p) => [keyOf(p), p]));
  const desiredKeys = new Set<string>();
  const out: IgnoreOutcome = { desired: [], live: [], analysisLive: [], ignoredPolicies: 0, ignoredFieldsIn: 0 };
  for (const d of desired) {
    const key = keyOf(d);
    desiredKeys.add(key);
    const l = liveByKey.get(key);
    if (l && same(d, l)) {
      out.desired.push(d);
      out.live.push(l);
      out.analysisLive.push(l);
      continue;
    }
    const what = ignoredFor(rules, d, l);
    if (what.whole) {
      out.ignoredPolicies++;
      out.analysisLive.push(l ? { ...l, labels: d.labels, annotations: d.annotations, spec: d.spec } : d);
      continue;
    }
    if (what.paths.length === 0) {
      out.desired.push(d);
      if (l) out.live.push(l);
      if (l) out.analysisLive.push(l);
      continue;
    }
    out.ignoredFieldsIn++;
    const ds = stripPolicy(d, what.paths);
    out.desired.push(ds);
    if (!l) continue;
    const ls = stripPolicy(l, what.paths);
    out.live.push(ls);
    out.analysisLive.push(same(ds, ls) ? { ...l, spec: d.spec } : fillPolicy(d, l, what.paths));
  }
  for (const l of live) {
    if (desiredKeys.has(keyOf(l))) continue;
    const what = ignoredFor(rules, undefined, l);
    if (what.whole) {
      out.ignoredPolicies++;
      continue;
    }
    const ls = what.paths.length > 0 ? stripPolicy(l, what.paths) : l;
    out.live.push(ls);
    out.analysisLive.push(l);
  }
  return out;
}

/** Everything the matching rules ignore for one pair: the whole policy, or field pointers. */
function ignoredFor(
  rules: readonly IgnoreRule[],
  d: NormalizedPolicy | undefined,
  l: NormalizedPolicy | undefined,
): { whole: boolean; paths: FieldPointer[] } {
  const paths: FieldPointer[] = [];
  for (const rule of rules) {
    if (!policyMatches(rule.match, d, l)) continue;
    if (rule.whole) return { whole: true, paths: [] };
    paths.push(...rule.paths);
    if (rule.fieldsOwnedBy.length > 0 && l?.managers) {
      for (const m of l.managers) {
        if (!rule.fieldsOwnedBy.some((g) => globMatch(g, m.manager))) continue;
        for (const f of m.fields) paths.push(f.split("\u0000"));
      }
    }
  }
  return { whole: false, paths };
}

/** The policy without the pointed-at fields; pointers outside labels, annotations and spec point at nothing. */
export function stripPolicy(p: NormalizedPolicy, paths: readonly FieldPointer[]): NormalizedPolicy {
  let { labels, annotations, spec } = p;
  for (const path of paths) {
    const [top, sub, ...rest] = path;
    if (top === "metadata" && sub === "labels") labels = (stripPath(labels, rest) ?? {}) as typeof labels;
    else if (top === "metadata" && sub === "annotations") {
      annotations = (stripPath(annotations, rest) ?? {}) as typeof annotations;
    } else if (top === "spec") spec = (stripPath(spec, path.slice(1)) ?? {}) as NormalizedSpec;
  }
  return { ...p, labels, annotations, spec };
}

/** The live policy with the pointed-at spec fields taken from the desired one (labels do not reach the analysis). */
function fillPolicy(d: NormalizedPolicy, l: NormalizedPolicy, paths: readonly FieldPointer[]): NormalizedPolicy {
  let spec: unknown = l.spec;
  for (const path of paths) if (path[0] === "spec") spec = fillPath(d.spec, spec, path.slice(1));
  return { ...l, spec: (spec ?? {}) as NormalizedSpec };
}

function keyOf(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
