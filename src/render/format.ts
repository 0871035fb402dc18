import { problemMessage } from "../model/errors.js";
import { policies } from "./phrases.js";
import type { ChangedBy, DriftItem, Report } from "../model/types.js";

// Small pieces every renderer shares, so text, Markdown, Slack and the change record say the same thing.

export function groupByNamespace(items: DriftItem[]): Map<string, DriftItem[]> {
  const groups = new Map<string, DriftItem[]>();
  for (const item of items) {
    const list = groups.get(item.namespace) ?? [];
    list.push(item);
    groups.set(item.namespace, list);
  }
  return groups;
}

export function summaryLine(report: Report): string {
  const s = report.summary;
  const parts = [`${s.modified} modified`, `${s.missing} missing`, `${s.unmanaged} unmanaged`, `${s.inSync} in sync`];
  // What a rules file set aside is counted apart, and only said when there is some.
  if (s.waived) parts.push(`${s.waived} waived`);
  if (s.expected) parts.push(`${s.expected} expected`);
  if (s.ignored) parts.push(`${s.ignored} ignored`);
  return `${parts.join(", ")} (desired ${s.desired}, live ${s.live})`;
}

export function changedByText(c: ChangedBy | undefined): string {
  if (!c) return "";
  return `${c.manager} (${c.operation}${c.time ? ` at ${c.time}` : ""})`;
}

export function valueText(v: unknown): string {
  if (v === undefined) return "(absent)";
  return JSON.stringify(v);
}

export function verdictLine(report: Report): string {
  if (!report.complete) return "INCOMPLETE: no verdict can be trusted for what is listed under problems";
  return report.drift.length === 0 ? "in sync: no drift" : `drift: ${policies(report.drift.length)}`;
}

/** A problem as one line: `file:line: message`, `call: message`; the same words its SourceError says. */
export const problemText = problemMessage;

export const STATE_MARK: Record<DriftItem["state"], string> = { modified: "~", missing: "-", unmanaged: "+" };

/**
 * Why verdicts were withheld, said as what happened: a failed live list compared nothing, which is not the
 * desired state being uncertain.
 */
export function withheldText(report: Report): string {
  // A failed list is the only way to a report that made no request and withheld everything.
  const liveFailed =
    report.withheld.includes("*") &&
    report.sources.requests === 0 &&
    report.summary.live === 0 &&
    report.problems.some((p) => p.call !== undefined && !p.file);
  if (liveFailed)
    return "no verdicts: the live NetworkPolicies could not be listed (see problems), so nothing was compared";
  const where = report.withheld.map((w) => (w === "*" ? "every namespace" : w)).join(", ");
  return `verdicts withheld (desired state uncertain): ${where}`;
}
