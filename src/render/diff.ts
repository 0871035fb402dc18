// `netpol-drift diff` for the terminal and as JSON. The Markdown form (a PR/MR comment) is in diff-markdown.ts.
import type { NamespaceEffect, Violation } from "../model/analysis.js";
import type { DiffResult, DiffSide } from "../model/diff.js";
import { decisionText, flowText, shownFlows } from "./effects.js";
import { bySeverity, flowCounts, flows, notListedText } from "./phrases.js";
import { terminal } from "./escape.js";
import { valueText } from "./format.js";
import { fileLine, pathUnder } from "../util/location.js";
import { checkWaiverLines } from "./rules.js";

export type DiffFormat = "text" | "json" | "markdown" | "sarif" | "junit";
export const DIFF_FORMATS: readonly DiffFormat[] = ["text", "json", "markdown", "sarif", "junit"];

const CHANGE_MARK = { added: "+", removed: "-", changed: "~" } as const;

export function sideText(s: DiffSide): string {
  return s.commit ? `${s.name} (${s.commit.slice(0, 12)})` : s.name;
}

/** "widens traffic in 2 namespaces, narrows in 1" — or that the change has no effect. */
export function diffVerdict(r: DiffResult): string {
  if (!r.complete) return "incomplete: a side could not be read whole, so no verdict (see problems)";
  const ranked = rankEffects(r.effects).filter((e) => e.effect !== "none");
  const parts: string[] = [];
  for (const kind of ["widens", "changes", "narrows"] as const) {
    const n = ranked.filter((e) => e.effect === kind).length;
    if (n > 0) parts.push(`${kind === "changes" ? "changes" : kind} traffic in ${n} namespace${n === 1 ? "" : "s"}`);
  }
  const v = r.violations.introduced.length;
  if (v > 0) parts.push(`${v} new baseline violation${v === 1 ? "" : "s"}`);
  if (r.violations.fixed.length > 0) parts.push(`${r.violations.fixed.length} fixed`);
  if (parts.length === 0) return r.policies.length === 0 ? "no change to the NetworkPolicies" : "no effect on traffic";
  return parts.join(", ");
}

export function policySummary(r: DiffResult): string {
  const s = r.summary;
  return `${r.policies.length} polic${r.policies.length === 1 ? "y" : "ies"} changed (${s.added} added, ${s.removed} removed, ${s.changed} changed; ${s.unchanged} unchanged)`;
}

/** Widest first, then by name: the order every diff output uses. */
export function rankEffects(effects: NamespaceEffect[]): NamespaceEffect[] {
  return bySeverity(effects);
}

export function diffHeadline(e: NamespaceEffect): string {
  // Counts, not list lengths: past the flow cap a namespace carries no lists.
  const n = flowCounts(e);
  const o = `${flows(n.opened)} opened`;
  const c = `${flows(n.closed)} closed`;
  switch (e.effect) {
    case "widens":
      return `WIDENS — ${o}`;
    case "changes":
      return `CHANGES — ${o}, ${c}`;
    case "narrows":
      return `narrows — ${c}`;
    case "none":
      return "none — same traffic allowed";
  }
}

export function diffViolationText(v: Violation, root: string): string {
  const rule = v.policy ? ` (${v.policy}${v.rule ? ` ${v.rule}` : ""})` : "";
  const where = v.file ? ` at ${fileLine(v, root)}` : "";
  return `${v.invariant} in ${v.namespace}${rule}: ${v.message}${where}`;
}

export function renderDiffText(r: DiffResult): string {
  const out = [
    `netpol-drift diff — base ${sideText(r.base)} → head ${sideText(r.head)}`,
    `${diffVerdict(r)} — ${policySummary(r)}`,
  ];
  for (const e of rankEffects(r.effects)) {
    out.push("", `namespace ${e.namespace}: ${diffHeadline(e)}`);
    if (e.counts && e.effect !== "none") out.push(`  (flows not listed: ${notListedText(e)})`);
    const shown = shownFlows(e);
    for (const f of shown.opened)
      out.push(
        `  + ${flowText(f)}`,
        `      head: egress ${decisionText(f.egress, "egress")}; ingress ${decisionText(f.ingress, "ingress")}`,
      );
    if (shown.moreOpened > 0) out.push(`  + … and ${shown.moreOpened} more opened (-o json lists all)`);
    for (const f of shown.closed)
      out.push(
        `  - ${flowText(f)}`,
        `      head: egress ${decisionText(f.egress, "egress")}; ingress ${decisionText(f.ingress, "ingress")}`,
      );
    if (shown.moreClosed > 0) out.push(`  - … and ${shown.moreClosed} more closed (-o json lists all)`);
    for (const p of r.policies.filter((x) => x.namespace === e.namespace)) {
      out.push(
        `  ${CHANGE_MARK[p.change]} ${p.change.padEnd(7)} ${p.name}${p.file ? `  [${pathUnder(p.change === "removed" ? r.base.root : r.head.root, p.file)}]` : ""}`,
      );
      for (const ch of p.changes) out.push(`      ${ch.path}: ${valueText(ch.base)} → ${valueText(ch.head)}`);
    }
  }
  if (r.violations.introduced.length > 0) {
    out.push("", `new baseline violations (${r.violations.introduced.length}):`);
    for (const v of r.violations.introduced) out.push(`  ${diffViolationText(v, r.head.root)}`);
  }
  if (r.violations.fixed.length > 0) {
    out.push("", `fixed baseline violations (${r.violations.fixed.length}):`);
    for (const v of r.violations.fixed) out.push(`  ${diffViolationText(v, r.base.root)}`);
  }
  if (r.problems.length > 0) {
    out.push("", `problems (${r.problems.length}):`);
    for (const p of r.problems)
      out.push(
        `  [${p.side}] ${p.file ? `${fileLine(p, p.side === "base" ? r.base.root : r.head.root)}: ` : ""}${p.message}`,
      );
  }
  const waivers = checkWaiverLines(r.waivers);
  if (waivers.length > 0) out.push("", ...waivers.map((w) => `rules: ${w}`));
  for (const n of r.analysis.notes) out.push(`note: ${n}`);
  // Our lines carry no control characters of their own: whatever the terminal would act on came from a file.
  return out.map(terminal).join("\n") + "\n";
}

/** The contract for scripts: fields are only ever added. */
export function renderDiffJson(r: DiffResult): string {
  return JSON.stringify({ verdict: diffVerdict(r), ...r }, null, 2) + "\n";
}
