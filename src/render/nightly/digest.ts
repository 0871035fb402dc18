import type { NamespaceEffect } from "../../model/analysis.js";
import type { Digest, DigestEffect, DigestKind, DigestNamespace, RecordMeta } from "../../model/nightly.js";
import type { Report } from "../../model/types.js";
import { cmp } from "../../util/compare.js";
import { flowText, rankFlows } from "../effects.js";
import { EFFECT_SEVERITY, flowCounts, shortFingerprint } from "../phrases.js";

// The digest a notifier gets: plain data from the report and the record it is about. The Slack message is
// rendered from it in slack.ts.

/** Pure: the Slack digest for a run, from the report and the record it is about. */
export function buildDigest(input: {
  kind: DigestKind;
  cluster: string;
  report: Report;
  fingerprint: string;
  record?: RecordMeta;
  prUrl?: string;
}): Digest {
  const { kind, report, record } = input;
  const byNs = new Map<string, DigestNamespace>();
  const add = (namespace: string, item: DigestNamespace["items"][number]): void => {
    const group = byNs.get(namespace) ?? { namespace, items: [] };
    group.items.push(item);
    byNs.set(namespace, group);
  };
  if (kind === "resolved") {
    for (const r of record?.resolved ?? []) add(r.namespace, { name: r.name, state: r.state, paths: [] });
  } else {
    for (const d of report.drift) {
      add(d.namespace, {
        name: d.name,
        state: d.state,
        paths: d.changes.map((c) => c.path),
        ...(d.changedBy ? { changedBy: d.changedBy } : {}),
        ...(d.waiverExpired ? { waiverExpired: d.waiverExpired.expires } : {}),
      });
    }
    for (const e of report.effects ?? []) {
      const group = byNs.get(e.namespace);
      if (group) group.effect = digestEffect(e);
    }
  }
  // The effect decides whether this is an incident: a widening namespace leads, so it is the last cut for space.
  const severity = (ns: DigestNamespace) => (ns.effect ? EFFECT_SEVERITY[ns.effect.effect] : -1);
  const namespaces = [...byNs.values()].sort((a, b) => severity(b) - severity(a) || cmp(a.namespace, b.namespace));
  for (const ns of namespaces) ns.items.sort((a, b) => cmp(a.name, b.name));
  return {
    kind,
    cluster: input.cluster,
    counts: report.summary,
    namespaces,
    total: namespaces.reduce((n, ns) => n + ns.items.length, 0),
    ...(input.prUrl ? { prUrl: input.prUrl } : {}),
    ...(record ? { recordPath: record.markdown } : {}),
    fingerprint: shortFingerprint(record?.fingerprint ?? input.fingerprint),
    complete: report.complete,
    generatedAt: report.generatedAt,
  };
}

const DIGEST_FLOWS = 2;

function digestEffect(e: NamespaceEffect): DigestEffect {
  const flows =
    e.opened.length > 0
      ? rankFlows(e.opened)
          .slice(0, DIGEST_FLOWS)
          .map((f) => ({ change: "opened" as const, text: flowText(f) }))
      : rankFlows(e.closed)
          .slice(0, DIGEST_FLOWS)
          .map((f) => ({ change: "closed" as const, text: flowText(f) }));
  return { effect: e.effect, ...flowCounts(e), flows };
}
