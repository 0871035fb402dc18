import type { Report } from "../model/types.js";
import { analysisNote, effectLines, effectOf, effectsSummary, violationText } from "./effects.js";
import { terminal as t } from "./escape.js";
import { rulesTextLines, waiverExpiredText } from "./rules.js";
import {
  changedByText,
  groupByNamespace,
  problemText,
  STATE_MARK,
  summaryLine,
  valueText,
  verdictLine,
  withheldText,
} from "./format.js";

export interface TextOptions {
  color: boolean;
}

const ANSI = {
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  reset: "\x1b[0m",
};

/**
 * The terminal report, grouped by namespace. Colour only when asked (the CLI asks on a TTY). Every value from
 * the cluster or a file goes through `t` before our own colour codes are added: an ANSI escape in a label or a
 * field manager must not repaint the report.
 */
export function renderText(report: Report, opts: TextOptions): string {
  const c = (code: keyof typeof ANSI, s: string) => (opts.color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
  const out: string[] = [];
  out.push(c("bold", `netpol-drift report — cluster ${report.cluster ? t(report.cluster) : "(unknown)"}`));
  out.push(c("dim", t(`desired: ${report.sources.desired}   live: ${report.sources.live}   at ${report.generatedAt}`)));
  out.push(`${verdictLine(report)} — ${summaryLine(report)}`);
  const traffic = effectsSummary(report.effects);
  if (traffic) out.push(`effect on traffic: ${traffic}`);
  for (const [ns, items] of groupByNamespace(report.drift)) {
    out.push("", c("bold", `namespace ${t(ns)}`));
    const effect = effectOf(report.effects, ns);
    if (effect) {
      const tone = effect.effect === "none" ? "dim" : effect.effect === "narrows" ? "yellow" : "red";
      effectLines(effect)
        .map(t)
        .forEach((line, i) => out.push(`  ${i === 0 ? c(tone, line) : line}`));
    }
    for (const item of items) {
      const color = item.state === "modified" ? "yellow" : item.state === "missing" ? "red" : "cyan";
      const who = item.changedBy ? `  changed by ${t(changedByText(item.changedBy))}` : "";
      const src = item.source ? `  [${t(item.source)}]` : "";
      out.push(
        `  ${c(color, `${STATE_MARK[item.state]} ${item.state.padEnd(9)}`)} ${t(item.name)}${c("dim", src + who)}`,
      );
      if (item.waiverExpired) out.push(`      ${c("red", t(waiverExpiredText(item.waiverExpired)))}`);
      for (const ch of item.changes)
        out.push(`      ${t(`${ch.path}: ${valueText(ch.desired)} → ${valueText(ch.live)}`)}`);
      if (item.state === "modified") out.push(indentDiff(item.diff, c));
    }
  }
  out.push(...rulesTextLines(report.waived, report.rules).map((line) => (line ? c("dim", line) : line)));
  if (report.violations && report.violations.length > 0) {
    out.push("", c("red", `baseline invariants violated (${report.violations.length}):`));
    for (const v of report.violations) out.push(`  ${t(violationText(v))}`);
  }
  if (report.effects && report.effects.length > 0)
    for (const note of analysisNote(report.analysis)) out.push(c("dim", `note: ${t(note)}`));
  for (const note of report.notes ?? []) out.push(c("dim", `note: ${t(note)}`));
  if (report.withheld.length > 0) {
    out.push("", c("yellow", t(withheldText(report))));
  }
  if (report.problems.length > 0) {
    out.push("", c("red", `problems (${report.problems.length}):`));
    for (const p of report.problems) out.push(`  ${t(problemText(p))}`);
  }
  if (report.skipped.length > 0) {
    out.push(
      "",
      c(
        "dim",
        `skipped ${report.skipped.length} document(s) that are not networking.k8s.io/v1 NetworkPolicies (-o json lists them)`,
      ),
    );
  }
  return out.join("\n") + "\n";
}

function indentDiff(diff: string, c: (code: keyof typeof ANSI, s: string) => string): string {
  return diff
    .trimEnd()
    .split("\n")
    .map((raw) => {
      const line = t(raw);
      const colored =
        line.startsWith("+") && !line.startsWith("+++")
          ? c("green", line)
          : line.startsWith("-") && !line.startsWith("---")
            ? c("red", line)
            : c("dim", line);
      return `      ${colored}`;
    })
    .join("\n");
}
