import type { Report } from "../model/types.js";
import { analysisNote, effectMarkdown, effectOf, flowCounts, violationText } from "./effects.js";
import { markdownCode, markdownFence, markdownText } from "./escape.js";
import { rulesMarkdownLines, waiverExpiredText } from "./rules.js";
import { bySeverity, truncateMarkdown } from "./phrases.js";
import { groupByNamespace, problemText, STATE_MARK, summaryLine, valueText, verdictLine } from "./format.js";
import type { ChangedBy, DriftItem } from "../model/types.js";

export interface MarkdownOptions {
  /** Forges cap a PR/MR body; past this many characters the diffs are cut and the reader pointed elsewhere. */
  maxLength?: number;
  /** Where the full report lives, said when the body is cut. */
  fullReportHint?: string;
  /** Where every flow is listed, said after a namespace's capped flow list; default "-o json lists all". */
  moreFlowsHint?: string;
}

/** A report ready to paste into a PR: summary table first, then one section per namespace with diffs. */
export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const head: string[] = [];
  head.push(`## NetworkPolicy drift — ${report.cluster ? markdownCode(report.cluster) : "unknown cluster"}`, "");
  head.push(`**${verdictLine(report)}** — ${summaryLine(report)}`, "");
  head.push(
    `Generated ${markdownText(report.generatedAt)} · desired ${markdownCode(report.sources.desired)} · live ${markdownCode(report.sources.live)}`,
    "",
  );
  if (report.effects && report.effects.length > 0) {
    // The effect comes before the diff, most severe first: it is what decides whether this is an incident.
    head.push("| effect on traffic | namespace | opened | closed |", "|---|---|---|---|");
    const ranked = bySeverity(report.effects);
    for (const e of ranked)
      head.push(
        `| **${e.effect}** | ${markdownCode(e.namespace, { table: true })} | ${flowCounts(e).opened} | ${flowCounts(e).closed} |`,
      );
    head.push("", ...analysisNote(report.analysis).map((n) => `_${markdownText(n)}_`), "");
  }
  if (report.drift.length > 0) {
    head.push("| | namespace | policy | state | last changed by |", "|---|---|---|---|---|");
    for (const d of report.drift) {
      head.push(
        `| ${STATE_MARK[d.state]} | ${markdownCode(d.namespace, { table: true })} | ${markdownCode(d.name, { table: true })} | ${d.state}${d.waiverExpired ? " (waiver expired)" : ""} | ${changedByMarkdown(d.changedBy) || "—"} |`,
      );
    }
    head.push("");
  }
  head.push(...rulesMarkdownLines(report.waived, report.rules));
  if (report.violations && report.violations.length > 0) {
    head.push(`### Baseline invariants violated (${report.violations.length})`, "");
    for (const v of report.violations) head.push(`- ${markdownText(violationText(v))}`);
    head.push("");
  }
  if (report.problems.length > 0) {
    head.push(`### Problems (${report.problems.length})`, "");
    for (const p of report.problems) head.push(`- ${markdownText(problemText(p))}`);
    head.push("");
  }
  const sections: string[] = [];
  for (const [ns, items] of groupByNamespace(report.drift)) {
    const part: string[] = [`### Namespace ${markdownCode(ns)}`, ""];
    const effect = effectOf(report.effects, ns);
    if (effect) part.push(...effectMarkdown(effect, opts.moreFlowsHint ? { moreHint: opts.moreFlowsHint } : {}));
    for (const d of items) part.push(...driftItemMarkdown(d, "#### "));
    sections.push(part.join("\n"));
  }
  return fit(head.join("\n"), sections, opts);
}

function fit(head: string, sections: string[], opts: MarkdownOptions): string {
  const max = opts.maxLength ?? Infinity;
  const hint = opts.fullReportHint ?? "see the full report";
  const note = (what: string) => `\n_…${what} cut to fit; ${hint}._\n`;
  let body = head;
  for (let i = 0; i < sections.length; i++) {
    const next = `${body}\n${sections[i]}`;
    const cut = note(`${sections.length - i} namespace section(s)`);
    if (next.length + cut.length > max)
      return body.length + cut.length <= max ? body + cut : cutAtLine(body, max, note("the rest"));
    body = next;
  }
  return body.length > max ? cutAtLine(body, max, note("the rest")) : body;
}

/** Cut at the last whole line that leaves room for the note, so no table row or fence is left half-written. */
function cutAtLine(text: string, max: number, tail: string): string {
  return truncateMarkdown(text, { chars: max }, tail);
}

/** One drifted policy: its heading (after `prefix`), the field changes, the diff. */
export function driftItemMarkdown(d: DriftItem, prefix: string): string[] {
  const out = [
    `${prefix}${STATE_MARK[d.state]} ${markdownCode(d.name)} — ${d.state}${d.source ? ` (${markdownCode(d.source)})` : ""}`,
    "",
  ];
  if (d.waiverExpired) out.push(`**${markdownText(waiverExpiredText(d.waiverExpired))}**`, "");
  for (const ch of d.changes)
    out.push(
      `- ${markdownCode(ch.path)}: ${markdownText(valueText(ch.desired))} → ${markdownText(valueText(ch.live))}`,
    );
  if (d.changes.length > 0) out.push("");
  out.push(markdownFence(d.diff.trimEnd(), "diff"), "");
  return out;
}

/** Who changed a policy last, for a table cell: the manager verbatim in code (it is any string its writer chose). */
export function changedByMarkdown(c: ChangedBy | undefined): string {
  if (!c) return "";
  return `${markdownText(c.manager)} (${markdownText(c.operation)}${c.time ? ` at ${markdownText(c.time)}` : ""})`;
}
