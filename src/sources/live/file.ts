import { readFile } from "node:fs/promises";
import { parseAllDocuments, LineCounter } from "yaml";
import { LiveSourceError } from "../../model/errors.js";
import { isRecord } from "../../normalize/canonical.js";
import type { LiveList } from "./types.js";

/**
 * A `kubectl get netpol -A -o json|yaml` capture (a List, a NetworkPolicyList, one object, or several YAML
 * documents). `-` reads stdin. Anything unreadable fails the whole source: a half-read capture is no capture.
 */
export async function readLiveFile(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<LiveList> {
  const label = file === "-" ? "stdin" : file;
  let text: string;
  try {
    text = file === "-" ? await readAll(stdin) : await readFile(file, "utf8");
  } catch (err) {
    throw new LiveSourceError(`read ${label}`, err instanceof Error ? err.message : String(err));
  }
  return { objects: parseCapture(text, label), cluster: label, origin: `file: ${label}`, requests: 1 };
}

export function parseCapture(text: string, label: string): Record<string, unknown>[] {
  const call = `read ${label}`;
  // `-o json` captures are the common case and JSON.parse is many times faster than a YAML parse of the
  // same text; anything JSON.parse refuses goes through the YAML parser, which also gives the error line.
  if (/^\s*\{/.test(text)) {
    const value = tryJson(text);
    if (value !== undefined) {
      const objects: Record<string, unknown>[] = [];
      collectTop(value, objects, call);
      return objects;
    }
  }
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  const objects: Record<string, unknown>[] = [];
  let found = 0;
  for (const doc of Array.isArray(docs) ? docs : []) {
    const err = doc.errors[0];
    if (err) {
      const line = counter.linePos(err.pos[0]).line;
      throw new LiveSourceError(call, `line ${line}: not valid JSON/YAML: ${err.message.split("\n")[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    } catch (e) {
      throw new LiveSourceError(call, `not valid JSON/YAML: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (value === null || value === undefined) continue; // `---` alone, comments only
    found++;
    collectTop(value, objects, call);
  }
  if (found === 0) throw new LiveSourceError(call, "the capture is empty");
  return objects;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A capture is a List (kubectl's `v1 List`, or a typed NetworkPolicyList from the raw API) or NetworkPolicy
 * objects. Anything else at the top (a Status from a failed `kubectl get`, a Deployment) means the file is
 * not what was meant: reading it as "no policies" would report every desired policy missing.
 */
function collectTop(value: unknown, out: Record<string, unknown>[], call: string): void {
  if (isRecord(value) && typeof value.kind === "string" && !Array.isArray(value.items) && value.kind !== "NetworkPolicy") {
    const why = value.kind === "Status" && typeof value.message === "string" ? `: ${value.message}` : "";
    throw new LiveSourceError(call, `not a NetworkPolicy capture: found a ${value.kind}${why}`);
  }
  collect(value, out, call);
}

function collect(value: unknown, out: Record<string, unknown>[], call: string, implied?: string): void {
  // The raw API's NetworkPolicyList leaves kind and apiVersion off its items; kubectl's List sets them.
  const obj = implied && isRecord(value) && value.kind === undefined ? { ...value, kind: implied } : value;
  if (!isRecord(obj) || typeof obj.kind !== "string") {
    throw new LiveSourceError(call, "not a kubectl capture: expected a List or NetworkPolicy objects");
  }
  if (Array.isArray(obj.items)) {
    const itemKind = obj.kind.endsWith("List") && obj.kind !== "List" ? obj.kind.slice(0, -"List".length) : undefined;
    for (const item of obj.items) collect(item, out, call, itemKind);
    return;
  }
  if (obj.kind !== "NetworkPolicy") return; // `kubectl get all`-style captures carry other kinds: not ours
  if (obj.apiVersion !== undefined && obj.apiVersion !== "networking.k8s.io/v1") {
    throw new LiveSourceError(call, `unexpected apiVersion ${String(obj.apiVersion)} for a NetworkPolicy`);
  }
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  if (typeof meta.name !== "string" || typeof meta.namespace !== "string") {
    throw new LiveSourceError(call, "a NetworkPolicy in the capture has no metadata.name or metadata.namespace");
  }
  out.push(obj);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
