import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { LineCounter, parseAllDocuments } from "yaml";
import { LiveSourceError } from "../../model/errors.js";
import type { NormalizedPolicy } from "../../model/types.js";
import { errorMessage } from "../../util/errors.js";
import { Found } from "./capture-checks.js";
import { Unsplittable } from "./json-items.js";
import { streamItems } from "./json-stream.js";
import { decodeUtf8, flowTooDeep, MAX_DEPTH } from "./text-checks.js";
import type { LiveList, LivePolicies } from "./types.js";

export interface CaptureOptions {
  /** The user said the capture covers every namespace (`-A`). */
  allNamespaces?: boolean;
}

/**
 * A `kubectl get netpol -A -o json|yaml` capture (a List, a NetworkPolicyList, one object, or several YAML
 * documents), each policy normalised by `normalize` as it is read. `-` reads stdin. Anything unreadable fails
 * the whole source: a half-read capture is no capture.
 */
export async function readLivePolicies(
  file: string,
  normalize: (raw: Record<string, unknown>) => NormalizedPolicy,
  stdin: NodeJS.ReadableStream = process.stdin,
  opts: CaptureOptions = {},
): Promise<LivePolicies> {
  const { kept, ...rest } = await readCapture(file, normalize, stdin, opts);
  return { policies: kept, ...rest };
}

/** The capture's NetworkPolicies as the API server returned them (small captures: eval, tests). */
export async function readLiveFile(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  opts: CaptureOptions = {},
): Promise<LiveList> {
  const { kept, ...rest } = await readCapture(file, (raw) => raw, stdin, opts);
  return { objects: kept, ...rest };
}

async function readCapture<T>(
  file: string,
  keep: (raw: Record<string, unknown>) => T,
  stdin: NodeJS.ReadableStream,
  opts: CaptureOptions,
): Promise<Omit<LiveList, "objects"> & { kept: T[] }> {
  const label = file === "-" ? "stdin" : file;
  const call = `read ${label}`;
  // stdin cannot be read twice: its bytes are kept until the capture is known to read item by item.
  const held: Buffer[] | undefined = file === "-" ? [] : undefined;
  let found: Found<T> | undefined;
  try {
    found = await streamItems(
      file === "-" ? stdin : createReadStream(file, { highWaterMark: 1 << 20 }),
      call,
      keep,
      held,
    );
  } catch (err) {
    if (err instanceof LiveSourceError) throw err;
    if (!(err instanceof Unsplittable)) throw new LiveSourceError(call, errorMessage(err));
  }
  if (!found) {
    // Not a JSON List read item by item (YAML, broken JSON, an unusual layout): read whole, as before.
    let bytes: Uint8Array | undefined;
    try {
      bytes = held ? Buffer.concat(held) : await readFile(file);
    } catch (err) {
      throw new LiveSourceError(call, errorMessage(err));
    }
    held?.splice(0);
    found = new Found(call, keep);
    // One copy at a time: the bytes go once decoded, the text once parsed.
    const decoded = decodeUtf8(bytes);
    bytes = undefined;
    if ("badLine" in decoded) {
      throw new LiveSourceError(
        call,
        `line ${decoded.badLine}: not UTF-8 (kubectl writes UTF-8; a re-encoded capture would compare changed labels)`,
      );
    }
    parseInto(decoded.text, found);
  }
  const kept = found.done();
  return { kept, ...capturedFrom(label, [...found.namespaces].sort(), found.withoutManagedFields, opts) };
}

/** What a live source read from a capture says of itself (how the report names it, what it holds). */
export function capturedFrom(
  label: string,
  namespaces: string[],
  withoutManagedFields: number,
  opts: CaptureOptions,
): Omit<LiveList, "objects"> {
  const capture = {
    call: `read ${label}`,
    namespaces,
    allNamespaces: opts.allNamespaces === true,
    withoutManagedFields,
  };
  return { cluster: label, origin: `file: ${label}`, requests: 1, capture };
}

/** A capture's text → its NetworkPolicies, raw (checked as a whole file is: see parseInto). */
export function parseCapture(text: string, label: string): Record<string, unknown>[] {
  const found = new Found(`read ${label}`, (raw) => raw);
  parseInto(text, found);
  return found.done();
}

function parseInto<T>(text: string, found: Found<T>): void {
  // `-o json` captures are the common case and JSON.parse is many times faster than a YAML parse of the
  // same text; anything JSON.parse refuses goes through the YAML parser, which also gives the error line.
  if (/^\s*\{/.test(text)) {
    const value = tryJson(text);
    if (value !== undefined) {
      found.top(value);
      return;
    }
  }
  if (flowTooDeep(text)) found.fail(`nested more than ${MAX_DEPTH} levels deep: not a kubectl capture`);
  const counter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  } catch (e) {
    if (e instanceof RangeError) found.fail(`nested too deeply to read: not a kubectl capture`);
    throw e;
  }
  let documents = 0;
  for (const doc of Array.isArray(docs) ? docs : []) {
    const err = doc.errors[0];
    if (err) {
      const line = counter.linePos(err.pos[0]).line;
      found.fail(`line ${line}: not valid JSON/YAML: ${err.message.split("\n")[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    } catch (e) {
      found.fail(`not valid JSON/YAML: ${errorMessage(e)}`);
    }
    if (value === null || value === undefined) continue; // `---` alone, comments only
    documents++;
    found.top(value);
  }
  if (documents === 0) found.fail("the capture is empty");
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
