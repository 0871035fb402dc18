import path from "node:path";
import type { DriftItem, Report } from "../../model/types.js";
import { markdownCode, markdownText } from "../../render/escape.js";
import { STATE_MARK, summaryLine } from "../../render/format.js";
import { renderJson } from "../../render/json.js";
import { renderMarkdown } from "../../render/markdown.js";
import { shortFingerprint } from "./fingerprint.js";
import { fitReport, RECORD_FILE_BUDGET, type Trimmed } from "./trim.js";
import { errorMessage } from "../../util/errors.js";

// A change record is two files in the policy repo: Markdown for people (summary, diffs, who changed what)
// and the JSON report beside it, with a `record` field that the next run reads to know what it last said.

export type RecordKind = "new" | "changed" | "resolved";

/** What was delivered for a record, written back by a follow-up commit so a re-run knows what is missing. */
export interface Delivery {
  /** The PR/MR opened or updated for the record; for a resolution, `closed` once it was closed (id and url
   *  absent when none was open). */
  changeRequest?: { id?: number; url?: string; closed?: boolean };
  slack?: { sentAt: string };
}

export interface RecordMeta {
  schema: 1;
  cluster: string;
  kind: RecordKind;
  fingerprint: string;
  previousFingerprint?: string;
  sequence: number;
  createdAt: string;
  /** The Markdown file, relative to the repository root. */
  markdown: string;
  /** Present when the JSON report was too big for the record: what it left out (see trim.ts). */
  trimmed?: Trimmed;
  /** Resolution records: the policies that had drifted and are back in sync. */
  resolved?: { namespace: string; name: string; state: DriftItem["state"] }[];
  delivery: Delivery;
}

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
}

export class RecordError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "RecordError";
  }
}

export function recordFolder(recordsDir: string, cluster: string): string {
  return path.posix.join(recordsDir, cluster);
}

/** `0007-20250601T023000Z-changed`: the sequence orders records even when two share a timestamp. */
export function recordBaseName(sequence: number, now: Date, kind: RecordKind): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return `${String(sequence).padStart(4, "0")}-${stamp}-${kind}`;
}

const RECORD_JSON = /^(\d{4,})-\d{8}T\d{6}Z-(new|changed|resolved)\.json$/;

/** The newest record among a folder's file names (by sequence), or undefined. */
export function latestRecordFile(names: readonly string[]): { name: string; sequence: number } | undefined {
  let best: { name: string; sequence: number } | undefined;
  for (const name of names) {
    const m = RECORD_JSON.exec(name);
    if (!m) continue;
    const sequence = Number(m[1]);
    if (!best || sequence > best.sequence) best = { name, sequence };
  }
  return best;
}

export function buildRecord(input: RecordInput): RecordFiles {
  const base = path.posix.join(
    recordFolder(input.recordsDir, input.cluster),
    recordBaseName(input.sequence, input.now, input.kind),
  );
  const meta: RecordMeta = {
    schema: 1,
    cluster: input.cluster,
    kind: input.kind,
    fingerprint: input.fingerprint,
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
    delivery: {},
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

export function parseRecordJson(text: string, file: string): { meta: RecordMeta; report: Report } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RecordError(file, `not valid JSON: ${errorMessage(err)}`);
  }
  if (typeof data !== "object" || data === null) throw new RecordError(file, "not a change record");
  const { record, ...report } = data as { record?: RecordMeta } & Report;
  if (record?.schema !== 1 || typeof record.fingerprint !== "string" || typeof record.sequence !== "number") {
    throw new RecordError(file, "has no valid `record` field (schema 1, fingerprint, sequence)");
  }
  return { meta: { ...record, delivery: record.delivery ?? {} }, report: report as Report };
}

/** The same record with what has been delivered merged in. */
export function withDelivery(text: string, file: string, delivery: Delivery): string {
  const { meta, report } = parseRecordJson(text, file);
  return recordJson({ ...meta, delivery: { ...meta.delivery, ...delivery } }, report);
}

function recordMarkdown(input: RecordInput, meta: RecordMeta): string {
  const head = [
    `# Change record ${meta.sequence} — ${markdownCode(input.cluster)} — ${titleOf(input.kind)}`,
    "",
    `- Recorded: ${meta.createdAt}`,
    `- Fingerprint: \`${shortFingerprint(meta.fingerprint)}\`${meta.previousFingerprint ? ` (previous \`${shortFingerprint(meta.previousFingerprint)}\`)` : ""}`,
    `- JSON report: \`${path.posix.basename(meta.markdown, ".md")}.json\``,
    "",
  ];
  if (input.kind === "resolved") {
    const before = input.previous?.report.drift ?? [];
    head.push(`All drift recorded for this cluster is gone: ${summaryLine(input.report)}.`, "");
    if (before.length > 0) {
      head.push(`Back in sync since record ${input.previous?.meta.sequence}:`, "");
      for (const d of before) head.push(itemLine(d));
      head.push("");
    }
    return head.join("\n");
  }
  // maxLength counts characters, the budget bytes: the margin covers the few non-ASCII ones (→, —).
  const where = meta.trimmed
    ? "`netpol-drift report -o json` lists all; this record's JSON keeps kinds and counts"
    : "the JSON report lists all";
  if (meta.trimmed)
    head.push(
      `_The record is trimmed to stay under ${RECORD_FILE_BUDGET / 1024} KiB per file: ${trimmedText(meta.trimmed)}._`,
      "",
    );
  const text = head.join("\n");
  return `${text}\n${renderMarkdown(input.report, { moreFlowsHint: where, maxLength: Math.floor((RECORD_FILE_BUDGET - Buffer.byteLength(text, "utf8")) * 0.85), fullReportHint: where })}`;
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

export function itemLine(d: DriftItem): string {
  const paths = d.changes.map((c) => markdownCode(c.path)).join(", ");
  const c = d.changedBy;
  const who = c
    ? `${markdownText(c.manager)} (${markdownText(c.operation)}${c.time ? ` at ${markdownText(c.time)}` : ""})`
    : "";
  return `- \`${STATE_MARK[d.state]}\` ${markdownCode(`${d.namespace}/${d.name}`)} ${d.state}${paths ? `: ${paths}` : ""}${who ? ` (last changed by ${who})` : ""}`;
}
