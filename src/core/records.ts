import type { Delivery, RecordKind, RecordMeta } from "../model/nightly.js";
import type { Report } from "../model/types.js";
import { errorMessage } from "../util/errors.js";

// Where change records live and how one is read back: names, order, and the JSON's `record` field. Pure.

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
  return `${recordsDir.replace(/\/+$/, "")}/${cluster}`;
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
  return { meta: record, report: report as Report };
}

/** What a delivery note says was delivered; `where` names the note in an error (ref and object). */
export function parseDeliveryNote(text: string, where: string): Delivery {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RecordError(where, `delivery note is not valid JSON: ${errorMessage(err)}`);
  }
  const delivery = (data as { schema?: unknown; delivery?: unknown } | null)?.delivery;
  if ((data as { schema?: unknown }).schema !== 1 || typeof delivery !== "object" || delivery === null)
    throw new RecordError(where, "delivery note has no valid `delivery` field (schema 1)");
  return delivery as Delivery;
}

/** A record's delivery from what its JSON says (records written before the notes) and its note, newer. */
export function mergeDelivery(older: Delivery | undefined, newer: Delivery | undefined): Delivery {
  return { ...older, ...newer };
}
