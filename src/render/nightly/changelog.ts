import type { NamespaceEffect } from "../../model/analysis.js";
import type { RecordKind } from "../../model/nightly.js";
import type { Report } from "../../model/types.js";
import { markdownCode } from "../escape.js";
import { summaryLine } from "../format.js";
import { bySeverity, count, EFFECT_ORDER, flowCountText, flowCounts, policies, shortFingerprint } from "../phrases.js";
import { baseName, itemLine } from "./record.js";
import { newlyWaived, waivedLine } from "./waived.js";
import type { PolicyKey } from "../../model/types.js";

// The CHANGELOG is append-only: an entry is added at the end and earlier text is never touched, so the
// file reads as history and concurrent human entries above ours survive. Each of our entries ends with an
// HTML comment (invisible when rendered) that lets the next run read back what it wrote.

export const CHANGELOG_HEADER = `# NetworkPolicy changelog

Revisions of the NetworkPolicies in this folder and the drift \`netpol-drift\` found against live clusters.
Newest entries are at the bottom; entries are never rewritten.
`;

export interface EntryInput {
  cluster: string;
  kind: RecordKind;
  report: Report;
  fingerprint: string;
  /** The change record's Markdown, relative to the repository root. */
  recordPath: string;
  /** The CHANGELOG, relative to the repository root (links are made relative to its folder). */
  changelogPath: string;
  now: Date;
  /** For a resolution: how many policies had drifted. */
  resolvedCount?: number;
  /** A resolution of drift the PR had accepted: merged, reverted in the cluster, or some of each. */
  outcome?: ResolvedBy;
  /** The drift the last record held: those now waived get a line saying until when and by whom. */
  previous?: readonly PolicyKey[];
}

export interface ResolvedBy {
  /** The base branch has (some of) the accepted files: merged. */
  accepted: boolean;
  /** (Some of) the accepted files are not on the base branch: the cluster was put back instead. */
  reverted: boolean;
  /** The PR/MR as the forge names it: #12 (GitHub), !12 (GitLab). */
  changeRequest?: string;
}

export interface ChangelogEntry {
  cluster: string;
  kind: RecordKind;
  fingerprint: string;
}

/** Drifted policies an entry names, severe ones first; the change record has the rest. */
export const ENTRY_ITEMS = 10;

/** Namespaces whose effect an entry names one by one (widens, changes); the others are counted. */
export const ENTRY_NAMESPACES = 10;

const SEVERE = new Set(["widens", "changes"]);

const MARKER = /^<!-- netpol-drift cluster=(\S+) kind=(new|changed|resolved) fingerprint=([0-9a-f]+) -->$/gm;

export function entryText(input: EntryInput): string {
  const when = input.now.toISOString().slice(0, 16).replace("T", " ");
  const link = relativePath(
    input.changelogPath.slice(0, Math.max(0, input.changelogPath.lastIndexOf("/"))),
    input.recordPath,
  );
  const lines = [`## ${when} UTC — ${markdownCode(input.cluster)}: ${headline(input)}`, ""];
  if (input.kind === "resolved") {
    const n = input.resolvedCount ?? 0;
    const what = n > 0 ? `The ${n} drifted ${n === 1 ? "policy is" : "policies are"} back in sync` : "No drift left";
    const waived = newlyWaived(input.report, input.previous);
    lines.push(`${what}${howResolved(input.outcome)}: ${summaryLine(input.report)}.`);
    if (waived.length > 0)
      lines.push("", `Resolved by a waiver, not in sync (${waived.length}):`, ...waived.map(waivedLine));
  } else {
    lines.push(`${summaryLine(input.report)}.`, "");
    const effects = effectLine(input.report.effects);
    if (effects) lines.push(effects, "");
    const violations = input.report.violations?.length ?? 0;
    if (violations > 0) lines.push(`Baseline invariants violated: ${violations} (the change record lists them).`, "");
    // The CHANGELOG grows by one entry per record: a summary, the severe items, and the record for the rest.
    const shown = entryItems(input.report);
    for (const d of shown) lines.push(itemLine(d));
    const more = input.report.drift.length - shown.length;
    if (more > 0) lines.push(`- … and ${more} more (the change record lists all)`);
    const waived = newlyWaived(input.report, input.previous);
    if (waived.length > 0)
      lines.push("", `Waived since the last record (${waived.length}):`, ...waived.map(waivedLine));
  }
  lines.push("", `Change record: [${baseName(input.recordPath)}](${encodeURI(link)})`, "");
  lines.push(`<!-- netpol-drift cluster=${input.cluster} kind=${input.kind} fingerprint=${input.fingerprint} -->`);
  return lines.join("\n") + "\n";
}

/** ", accepted in #12 by the merge", ", reverted in the cluster", or both. */
function howResolved(by: ResolvedBy | undefined): string {
  if (!by) return "";
  const pr = by.changeRequest !== undefined ? ` in ${by.changeRequest}` : "";
  const parts = [by.accepted ? `accepted${pr} by the merge` : "", by.reverted ? "reverted in the cluster" : ""];
  return `, ${parts.filter(Boolean).join(", partly ")}`;
}

/** The drifted policies an entry names: those in widening or changing namespaces first, at most ENTRY_ITEMS. */
function entryItems(report: Report): Report["drift"] {
  const severe = new Set((report.effects ?? []).filter((e) => SEVERE.has(e.effect)).map((e) => e.namespace));
  const first = report.drift.filter((d) => severe.has(d.namespace));
  const rest = report.drift.filter((d) => !severe.has(d.namespace));
  return [...first, ...rest].slice(0, ENTRY_ITEMS);
}

/**
 * One line, most severe first: "Effect on traffic: **WIDENS** in `a` (3 flows opened, 0 closed); none in `b`."
 * Past ENTRY_NAMESPACES, only widening and changing namespaces are named (the first ENTRY_NAMESPACES); the rest
 * are counted by kind.
 */
export function effectLine(effects: NamespaceEffect[] | undefined): string {
  if (!effects || effects.length === 0) return "";
  const ranked = bySeverity(effects);
  const part = (e: NamespaceEffect) => {
    const word = e.effect === "widens" ? "**WIDENS**" : e.effect;
    const flows = e.effect === "none" ? "" : ` (${flowCountText(flowCounts(e))})`;
    return `${word} in ${markdownCode(e.namespace)}${flows}`;
  };
  const severe = ranked.filter((e) => SEVERE.has(e.effect));
  const named = ranked.length <= ENTRY_NAMESPACES ? ranked : severe.slice(0, Math.max(ENTRY_NAMESPACES, 1));
  const rest = ranked.slice(named.length);
  const counted = EFFECT_ORDER.map((k) => [k, rest.filter((e) => e.effect === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k === "widens" ? "**WIDENS**" : k} in ${count(n, "more namespace")}`);
  return `Effect on traffic: ${[...named.map(part), ...counted].join("; ")}.`;
}

function headline(input: EntryInput): string {
  const count = policies(input.report.drift.length);
  if (input.kind === "resolved") return "drift resolved";
  return `${input.kind === "new" ? "drift detected" : "drift changed"}, ${count} (\`${shortFingerprint(input.fingerprint)}\`)`;
}

/** Our entries in the file, oldest first. Entries written by people have no marker and are ignored. */
export function parseChangelog(text: string): ChangelogEntry[] {
  const out: ChangelogEntry[] = [];
  for (const m of text.matchAll(MARKER))
    out.push({ cluster: m[1] as string, kind: m[2] as RecordKind, fingerprint: m[3] as string });
  return out;
}

/**
 * The file with the entry appended (created with a header when absent). Idempotent: when the last entry
 * for this cluster already says the same thing, the text comes back unchanged.
 */
export function appendEntry(existing: string | undefined, input: EntryInput): string {
  const base = existing === undefined || existing.trim() === "" ? CHANGELOG_HEADER : existing;
  const last = parseChangelog(base)
    .filter((e) => e.cluster === input.cluster)
    .at(-1);
  if (last && last.fingerprint === input.fingerprint && last.kind === input.kind) return base;
  const sep = base.endsWith("\n\n") ? "" : base.endsWith("\n") ? "\n" : "\n\n";
  return `${base}${sep}${entryText(input)}`;
}

/** `to` relative to the folder `fromDir` (both repository paths, "" is the root), as a Markdown link wants it. */
export function relativePath(fromDir: string, to: string): string {
  const from = fromDir.split("/").filter(Boolean);
  const parts = to.split("/").filter(Boolean);
  let common = 0;
  while (common < from.length && common < parts.length - 1 && from[common] === parts[common]) common++;
  return [...from.slice(common).map(() => ".."), ...parts.slice(common)].join("/");
}
