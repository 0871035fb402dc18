import type { DriftItem, NormalizedPolicy, Problem, Summary } from "../model/types.js";
import { comparable } from "../normalize/policy.js";
import { changedByFor } from "./changed-by.js";
import { fieldChanges } from "./changes.js";
import { sameComparable } from "./same.js";
import { unifiedDiff } from "./unified.js";
import { canonicalJson } from "../normalize/canonical.js";
import { sha256 } from "../util/hash.js";

export interface Comparison {
  drift: DriftItem[];
  summary: Summary;
  /** Namespaces (or namespace/name keys) where a verdict was withheld because the desired side is uncertain. */
  withheld: string[];
}

/**
 * Desired vs live, key by key. Desired-side problems make verdicts uncertain: a live policy in a namespace a
 * broken file may have declared is never called "unmanaged", and a policy declared twice gets no verdict.
 */
export function compare(desired: NormalizedPolicy[], live: NormalizedPolicy[], problems: Problem[]): Comparison {
  const uncertainNs = new Set(problems.filter((p) => p.namespace && !p.name).map((p) => p.namespace as string));
  const uncertainKeys = new Set(problems.filter((p) => p.namespace && p.name).map((p) => `${p.namespace}/${p.name}`));
  const isUncertain = (ns: string, key: string) =>
    uncertainNs.has("*") || uncertainNs.has(ns) || uncertainKeys.has(key);

  const desiredByKey = new Map(desired.map((p) => [keyOf(p), p]));
  const liveByKey = new Map(live.map((p) => [keyOf(p), p]));
  const summary: Summary = {
    desired: desired.length,
    live: live.length,
    inSync: 0,
    missing: 0,
    unmanaged: 0,
    modified: 0,
  };
  const drift: DriftItem[] = [];
  const withheld = new Set<string>();

  for (const key of [...new Set([...desiredByKey.keys(), ...liveByKey.keys()])].sort()) {
    const d = desiredByKey.get(key);
    const l = liveByKey.get(key);
    if (d && l) {
      if (sameComparable(d, l)) {
        summary.inSync++;
        continue;
      }
      const changes = fieldChanges(comparable(d), comparable(l));
      if (changes.length === 0) {
        summary.inSync++;
        continue;
      }
      summary.modified++;
      drift.push(item("modified", d, l, changes));
    } else if (l) {
      if (uncertainKeys.has(key)) withheld.add(key);
      else if (isUncertain(l.namespace, key)) withheld.add(uncertainNs.has("*") ? "*" : l.namespace);
      else {
        summary.unmanaged++;
        drift.push(item("unmanaged", undefined, l, []));
      }
    } else if (d) {
      summary.missing++;
      drift.push(item("missing", d, undefined, []));
    }
  }
  return { drift, summary, withheld: [...withheld].sort() };
}

function item(
  state: DriftItem["state"],
  d: NormalizedPolicy | undefined,
  l: NormalizedPolicy | undefined,
  changes: DriftItem["changes"],
): DriftItem {
  const base = (d ?? l) as NormalizedPolicy;
  const out: DriftItem = { state, namespace: base.namespace, name: base.name, changes, diff: unifiedDiff(d, l) };
  out.hash = sha256(canonicalJson({ desired: d && comparable(d), live: l && comparable(l) }));
  if (d?.origin.file) out.source = d.origin.file;
  const who = l && changedByFor(l, changes);
  if (who) out.changedBy = who;
  return out;
}

function keyOf(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
