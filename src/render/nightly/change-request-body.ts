import type { NamespaceEffect } from "../../model/analysis.js";
import type { TextLimit } from "../../model/nightly.js";
import type { DriftItem, Report } from "../../model/types.js";
import { effectMarkdown, violationText } from "../effects.js";
import { markdownCode, markdownText } from "../escape.js";
import { groupByNamespace, problemText, STATE_MARK, summaryLine, verdictLine } from "../format.js";
import { changedByMarkdown, driftItemMarkdown } from "../markdown.js";
import { bySeverity, count, flowCountText, flowCounts, truncateMarkdown } from "../phrases.js";

// The PR/MR description (and the change record's Markdown, in the same order) leads with what decides the
// review: the namespaces whose drift opens traffic (widens, or opens and closes) and the broken baseline
// invariants, then the narrowing ones, then the per-policy table and the diffs
// (folded in <details>). It is built within the forge's limit from the top: the severe items are always there
// (each at least as one line), and what does not fit of the tail is counted and pointed to, never half-cut.

/** Tables longer than this are folded in <details>. */
const FOLD_ROWS = 20;

export interface BodyOptions {
  limit: TextLimit;
  /** Where the full report is, said when something was left out. */
  fullReportHint: string;
  /** Where every flow is listed, said after a capped flow list. */
  moreFlowsHint: string;
  /** Set right after the opening namespaces and the violations (accept and revert), within the budget. */
  afterSevere?: string;
}

interface Block {
  full: string;
  /** What stays of a severe block when the full one does not fit; tail blocks have none and are counted. */
  compact?: string;
  what: "namespace" | "table row" | "diff" | "problem";
  /** A table's heading or closing tag: not counted as left out. */
  structural?: boolean;
}

export function renderDriftMarkdown(report: Report, head: string, opts: BodyOptions): string {
  const effects = bySeverity(report.effects ?? []);
  const byNs = groupByNamespace(report.drift);
  // Leading, never cut: what opens traffic — widening namespaces, and changing ones (they open some flows too).
  const widening = effects.filter((e) => e.effect === "widens");
  const changing = effects.filter((e) => e.effect === "changes");
  const milder = effects.filter((e) => e.effect !== "widens" && e.effect !== "changes");
  const top = [
    head,
    `## NetworkPolicy drift — ${report.cluster ? markdownCode(report.cluster) : "unknown cluster"}`,
    "",
    `**${verdictLine(report)}** — ${summaryLine(report)}`,
    "",
    `Generated ${markdownText(report.generatedAt)} · desired ${markdownCode(report.sources.desired)} · live ${markdownCode(report.sources.live)}`,
    "",
  ].join("\n");
  const severe: Block[] = [];
  const lead = (list: NamespaceEffect[], title: string) => {
    if (list.length === 0) return;
    severe.push({ full: `### ${title} (${count(list.length, "namespace")})\n`, what: "namespace", structural: true });
    severe.push(...list.map((e) => namespaceBlock(e, byNs.get(e.namespace) ?? [], opts)));
  };
  lead(widening, "Widens traffic");
  lead(changing, "Opens and closes traffic");
  const violations = report.violations ?? [];
  const tail: Block[] = [
    ...(milder.length > 0
      ? [{ full: `### Other namespaces with drift (${milder.length})\n`, what: "namespace" as const, structural: true }]
      : []),
    ...milder.map((e) => namespaceBlock(e, byNs.get(e.namespace) ?? [], opts)),
    ...tableBlocks(report.drift),
    ...diffBlocks(byNs),
    ...(report.problems.length > 0
      ? [{ full: `### Problems (${report.problems.length})\n`, what: "problem" as const, structural: true }]
      : []),
    ...report.problems.map((p) => ({ full: `- ${markdownText(problemText(p))}`, what: "problem" as const })),
  ];
  // Room for the severe items in their shortest form, and for the closing note, is set aside first.
  const note = (cut: Map<string, number>) =>
    cut.size === 0
      ? ""
      : `\n_…cut to fit: ${[...cut].map(([w, n]) => count(n, w)).join(", ")} left out; ${opts.fullReportHint}._\n`;
  const violationLines = violations.length
    ? [
        `### Baseline invariants violated (${violations.length})`,
        "",
        ...violations.map((v) => `- ${markdownText(violationText(v))}`),
        "",
      ].join("\n")
    : "";
  const reserve = 400;
  const max = Math.min(opts.limit.chars, opts.limit.bytes ?? Infinity) - reserve;
  const after = opts.afterSevere ? `${opts.afterSevere}\n` : "";
  let used =
    after.length +
    top.length +
    violationLines.length +
    severe.reduce((n, b) => n + (b.compact ?? b.full).length + 1, 0);
  const out = [top];
  const cut = new Map<string, number>();
  for (const b of severe) {
    const compact = b.compact ?? b.full;
    if (used - compact.length + b.full.length <= max) {
      out.push(b.full);
      used += b.full.length - compact.length;
    } else out.push(compact);
  }
  out.push(violationLines, after);
  const stopped = new Set<Block["what"]>(); // a group cut once stays cut, so no table loses its header
  for (const b of tail) {
    if (b.full === "") continue;
    if (stopped.has(b.what) || used + b.full.length + 1 > max) {
      stopped.add(b.what);
      if (!b.structural) cut.set(label(b.what), (cut.get(label(b.what)) ?? 0) + 1);
      continue;
    }
    out.push(b.full);
    used += b.full.length + 1;
  }
  const body = `${out.filter((s) => s !== "").join("\n")}${closeDetails(out)}${note(cut)}`;
  return truncateMarkdown(
    body,
    opts.limit,
    `\n\n_…cut to fit the size limit of this forge; ${opts.fullReportHint}._\n`,
  );
}

function label(what: Block["what"]): string {
  return what === "namespace" ? "namespace section" : what;
}

function namespaceBlock(e: NamespaceEffect, items: DriftItem[], opts: BodyOptions): Block {
  const names = items.map((d) => `${markdownCode(d.name)} ${d.state}`).join(", ");
  const full = [
    `#### Namespace ${markdownCode(e.namespace)}`,
    "",
    ...effectMarkdown(e, { moreHint: opts.moreFlowsHint }),
    ...(names ? [`Policies: ${names}`, ""] : []),
  ].join("\n");
  const word = e.effect === "widens" ? "**WIDENS**" : e.effect === "changes" ? "**OPENS AND CLOSES**" : e.effect;
  const compact = `- ${word} in ${markdownCode(e.namespace)} (${flowCountText(flowCounts(e))})${items.length ? `: ${count(items.length, "policy", "policies")}` : ""}`;
  return e.effect === "widens" || e.effect === "changes"
    ? { full, compact, what: "namespace" }
    : { full: `${full}\n`, what: "namespace" };
}

function tableBlocks(drift: DriftItem[]): Block[] {
  if (drift.length === 0) return [];
  const fold = drift.length > FOLD_ROWS;
  const header = [
    `### Drifted policies (${drift.length})`,
    "",
    ...(fold ? [`<details><summary>The table (${drift.length} rows)</summary>`, ""] : []),
    "| | namespace | policy | state | last changed by |",
    "|---|---|---|---|---|",
  ].join("\n");
  const rows: Block[] = drift.map((d) => ({
    full: `| ${STATE_MARK[d.state]} | ${markdownCode(d.namespace, { table: true })} | ${markdownCode(d.name, { table: true })} | ${d.state} | ${changedByMarkdown(d.changedBy) || "—"} |`,
    what: "table row",
  }));
  return [
    { full: header, what: "table row", structural: true },
    ...rows,
    { full: fold ? "\n</details>\n" : "\n", what: "table row", structural: true },
  ];
}

function diffBlocks(byNs: Map<string, DriftItem[]>): Block[] {
  const out: Block[] = byNs.size > 0 ? [{ full: "### Diffs\n", what: "diff", structural: true }] : [];
  for (const [ns, items] of byNs) {
    const part = [
      `<details><summary>Diffs in one namespace (${items.length})</summary>`,
      "",
      `#### ${markdownCode(ns)}`,
      "",
    ];
    for (const d of items) part.push(...driftItemMarkdown(d, ""));
    part.push("</details>", "");
    out.push({ full: part.join("\n"), what: "diff" });
  }
  return out;
}

/** A table's closing </details> may have been left out with its rows: close what is open. */
function closeDetails(parts: string[]): string {
  const text = parts.join("\n");
  const opened = (text.match(/^<details>/gm) ?? []).length;
  const closed = (text.match(/^<\/details>/gm) ?? []).length;
  return "\n\n</details>\n".repeat(Math.max(0, opened - closed));
}
