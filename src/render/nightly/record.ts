import { recordBaseName, recordFolder } from "../../core/records.js";
import type { Delivery, RecordKind, RecordMeta } from "../../model/nightly.js";
import type { DriftItem, Report } from "../../model/types.js";
import { markdownCode, markdownText } from "../escape.js";
import { STATE_MARK, summaryLine } from "../format.js";
import { renderJson } from "../json.js";
import { renderDriftMarkdown } from "./change-request-body.js";
import { shortFingerprint } from "../phrases.js";
import { fitReport, RECORD_FILE_BUDGET, type Trimmed } from "./trim.js";
import { type RevertStep, revertCommands, revertMarkdown } from "./revert.js";
import { expiredSuffix, newlyWaived, waivedLine } from "./waived.js";

// A change record is two files in the policy repo: Markdown for people (summary, diffs, who changed what)
// and the JSON report beside it, with a `record` field that the next run reads to know what it last said.

export interface RecordFiles {
  meta: RecordMeta;
  markdownPath: string;
  jsonPath: string;
  markdown: string;
  json: string;
}

export interface RecordInput {
  report: Report;
  kind: RecordKind;
  cluster: string;
  fingerprint: string;
  /** The record this one follows, if any: a resolution lists what it resolved. */
  previous?: { meta: RecordMeta; report: Report };
  recordsDir: string;
  sequence: number;
  now: Date;
  /** Accept = merge in PR mode: the commands that put the cluster back to git instead. */
  revert?: readonly RevertStep[];
  /** The desired files the drift branch's commit writes (accept), as RecordMeta.accept keeps them. */
  accepted?: { path: string; sha256: string | null }[];
  resolvedBy?: { accepted: boolean; reverted: boolean };
}

export function buildRecord(input: RecordInput): RecordFiles {
  const base = `${recordFolder(input.recordsDir, input.cluster)}/${recordBaseName(input.sequence, input.now, input.kind)}`;
  const meta: RecordMeta = {
    schema: 1,
    cluster: input.cluster,
    kind: input.kind,
    fingerprint: input.fingerprint,
    fingerprintVersion: 2,
    ...(input.previous ? { previousFingerprint: input.previous.meta.fingerprint } : {}),
    sequence: input.sequence,
    createdAt: input.now.toISOString(),
    markdown: `${base}.md`,
    ...(input.kind === "resolved"
      ? {
          resolved: (input.previous?.report.drift ?? []).map((d) => ({
            namespace: d.namespace,
            name: d.name,
            state: d.state,
          })),
        }
      : {}),
    ...(input.revert && input.revert.length > 0 && input.kind !== "resolved"
      ? { revert: revertCommands(input.revert) }
      : {}),
    ...(input.resolvedBy && input.kind === "resolved"
      ? { resolvedBy: { accepted: input.resolvedBy.accepted, reverted: input.resolvedBy.reverted } }
      : {}),
    ...(input.accepted && input.accepted.length > 0 && input.kind !== "resolved"
      ? { accept: { files: input.accepted } }
      : {}),
  };
  // Both files stay under the budget: the JSON drops diffs and flows first (saying so in `record.trimmed`),
  // the Markdown cuts namespace sections and says where the rest is.
  const fitted = fitReport(input.report, (r, trimmed) => recordJson(trimmed ? { ...meta, trimmed } : meta, r));
  const final = fitted.trimmed ? { ...meta, trimmed: fitted.trimmed } : meta;
  return {
    meta: final,
    markdownPath: `${base}.md`,
    jsonPath: `${base}.json`,
    markdown: recordMarkdown(input, final),
    json: fitted.text,
  };
}

export function recordJson(meta: RecordMeta, report: Report): string {
  // The report's JSON contract allows added fields: the file stays a valid report with `record` in front.
  // A trimmed record is big by definition: one line, no indentation (a third of its size).
  if (meta.trimmed) return `${JSON.stringify({ record: meta, ...report })}\n`;
  return renderJson({ record: meta, ...report } as unknown as Report);
}

/** The delivery note on a record's file (sinks/git/notes.ts): one line of JSON, read back by parseDeliveryNote. */
export function deliveryNoteText(
  record: { jsonPath: string; meta: Pick<RecordMeta, "fingerprint"> },
  delivery: Delivery,
): string {
  return JSON.stringify({ schema: 1, record: record.jsonPath, fingerprint: record.meta.fingerprint, delivery });
}

function recordMarkdown(input: RecordInput, meta: RecordMeta): string {
  const head = [
    `# Change record ${meta.sequence} — ${markdownCode(input.cluster)} — ${titleOf(input.kind)}`,
    "",
    `- Recorded: ${meta.createdAt}`,
    `- Fingerprint: \`${shortFingerprint(meta.fingerprint)}\`${meta.previousFingerprint ? ` (previous \`${shortFingerprint(meta.previousFingerprint)}\`)` : ""}`,
    `- JSON report: \`${baseName(meta.markdown, ".md")}.json\``,
    "",
  ];
  if (input.kind === "resolved") {
    const before = input.previous?.report.drift ?? [];
    head.push(`All drift recorded for this cluster is gone: ${summaryLine(input.report)}.`, "");
    if (before.length > 0) {
      head.push(`Back in sync since record ${input.previous?.meta.sequence}:`, "");
      const waived = newlyWaived(input.report, before);
      const waivedKeys = new Set(waived.map((w) => `${w.namespace}/${w.name}`));
      for (const d of before) if (!waivedKeys.has(`${d.namespace}/${d.name}`)) head.push(itemLine(d));
      head.push("");
      if (waived.length > 0)
        head.push("Waived since (not drift while the waiver holds):", "", ...waived.map(waivedLine), "");
    }
    return head.join("\n");
  }
  const where = meta.trimmed
    ? "`netpol-drift report -o json` lists all; this record's JSON keeps kinds and counts"
    : "the JSON report lists all";
  if (meta.trimmed)
    head.push(
      `_The record is trimmed to stay under ${RECORD_FILE_BUDGET / 1024} KiB per file: ${trimmedText(meta.trimmed)}._`,
      "",
    );
  const text = head.join("\n");
  // The same order as the PR/MR body: widening namespaces and violations first, the table and diffs after.
  const limit = { chars: RECORD_FILE_BUDGET, bytes: RECORD_FILE_BUDGET };
  const revert = input.revert ? revertMarkdown(input.revert) : "";
  return renderDriftMarkdown(input.report, `${text}\n`, {
    limit,
    moreFlowsHint: where,
    fullReportHint: where,
    ...(revert ? { afterSevere: revert } : {}),
  });
}

function trimmedText(t: Trimmed): string {
  const parts = [
    `${t.diffs} diffs`,
    `${t.flows} flows`,
    t.changes ? `${t.changes} field changes` : "",
    t.violations ? `${t.violations} violations` : "",
    t.driftItems ? `${t.driftItems} drift items` : "",
  ];
  return `the JSON leaves out ${parts.filter(Boolean).join(", ")}`;
}

function titleOf(kind: RecordKind): string {
  return kind === "new" ? "new drift" : kind === "changed" ? "drift changed" : "drift resolved";
}

/** The last segment of a repository path, without `ext`. */
export function baseName(repoPath: string, ext = ""): string {
  const name = repoPath.slice(repoPath.lastIndexOf("/") + 1);
  return ext && name.endsWith(ext) ? name.slice(0, -ext.length) : name;
}

export function itemLine(d: DriftItem): string {
  const paths = d.changes.map((c) => markdownCode(c.path)).join(", ");
  const c = d.changedBy;
  const who = c
    ? `${markdownText(c.manager)} (${markdownText(c.operation)}${c.time ? ` at ${markdownText(c.time)}` : ""})`
    : "";
  return `- \`${STATE_MARK[d.state]}\` ${markdownCode(`${d.namespace}/${d.name}`)} ${d.state}${paths ? `: ${paths}` : ""}${who ? ` (last changed by ${who})` : ""}${expiredSuffix(d)}`;
}
