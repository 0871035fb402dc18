import type { Report } from "../model/types.js";
import { analysisNote, EFFECT_SEVERITY, effectMarkdown, effectOf, flowCounts, violationText } from "./effects.js";
import { changedByText, groupByNamespace, problemText, STATE_MARK, summaryLine, valueText, verdictLine } from "./format.js";

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
  head.push(`## NetworkPolicy drift — \`${report.cluster || "unknown cluster"}\``, "");
  head.push(`**${verdictLine(report)}** — ${summaryLine(report)}`, "");
  head.push(`Generated ${report.generatedAt} · desired \`${report.sources.desired}\` · live ${report.sources.live}`, "");
  if (report.effects && report.effects.length > 0) {
    // The effect comes before the diff, most severe first: it is what decides whether this is an incident.
    head.push("| effect on traffic | namespace | opened | closed |", "|---|---|---|---|");
    const ranked = [...report.effects].sort((a, b) => EFFECT_SEVERITY[b.effect] - EFFECT_SEVERITY[a.effect] || a.namespace.localeCompare(b.namespace));
    for (const e of ranked) head.push(`| **${e.effect}** | \`${e.namespace}\` | ${flowCounts(e).opened} | ${flowCounts(e).closed} |`);
    head.push("", ...analysisNote(report.analysis).map((n) => `_${n}_`), "");
  }
  if (report.drift.length > 0) {
    head.push("| | namespace | policy | state | last changed by |", "|---|---|---|---|---|");
    for (const d of report.drift) {
      head.push(`| ${STATE_MARK[d.state]} | \`${d.namespace}\` | \`${d.name}\` | ${d.state} | ${changedByText(d.changedBy) || "—"} |`);
    }
    head.push("");
  }
  if (report.violations && report.violations.length > 0) {
    head.push(`### Baseline invariants violated (${report.violations.length})`, "");
    for (const v of report.violations) head.push(`- ${escapeMd(violationText(v))}`);
    head.push("");
  }
  if (report.problems.length > 0) {
    head.push(`### Problems (${report.problems.length})`, "");
    for (const p of report.problems) head.push(`- ${escapeMd(problemText(p))}`);
    head.push("");
  }
  const sections: string[] = [];
  for (const [ns, items] of groupByNamespace(report.drift)) {
    const part: string[] = [`### Namespace \`${ns}\``, ""];
    const effect = effectOf(report.effects, ns);
    if (effect) part.push(...effectMarkdown(effect, opts.moreFlowsHint ? { moreHint: opts.moreFlowsHint } : {}));
    for (const d of items) {
      part.push(`#### ${STATE_MARK[d.state]} \`${d.name}\` — ${d.state}${d.source ? ` (\`${d.source}\`)` : ""}`, "");
      for (const ch of d.changes) part.push(`- \`${ch.path}\`: ${escapeMd(valueText(ch.desired))} → ${escapeMd(valueText(ch.live))}`);
      if (d.changes.length > 0) part.push("");
      part.push("```diff", d.diff.trimEnd(), "```", "");
    }
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
    if (next.length + cut.length > max) return body.length + cut.length <= max ? body + cut : cutAtLine(body, max, note("the rest"));
    body = next;
  }
  return body.length > max ? cutAtLine(body, max, note("the rest")) : body;
}

/** Cut at the last whole line that leaves room for the note, so no table row or fence is left half-written. */
function cutAtLine(text: string, max: number, tail: string): string {
  const room = Math.max(0, max - tail.length - 4); // 4: a closing fence, if one is needed
  const lastNewline = text.lastIndexOf("\n", room);
  const kept = text.slice(0, lastNewline > 0 ? lastNewline : room);
  const fence = (kept.match(/^```/gm) ?? []).length % 2 === 1 ? "\n```" : "";
  return (kept + fence + tail).slice(0, max);
}

function escapeMd(s: string): string {
  return s.replace(/\|/g, "\\|");
}
