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
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  if (!Array.isArray(docs)) throw new LiveSourceError(`read ${label}`, "the capture is empty");
  const objects: Record<string, unknown>[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = counter.linePos(err.pos[0]).line;
      throw new LiveSourceError(`read ${label}`, `line ${line}: not valid JSON/YAML: ${err.message.split("\n")[0]}`);
    }
    if (doc.contents === null) continue;
    collect(doc.toJS() as unknown, objects, label);
  }
  if (objects.length === 0 && docs.every((d) => d.contents === null)) {
    throw new LiveSourceError(`read ${label}`, "the capture is empty");
  }
  return objects;
}

function collect(value: unknown, out: Record<string, unknown>[], label: string): void {
  if (!isRecord(value) || typeof value.kind !== "string") {
    throw new LiveSourceError(`read ${label}`, "not a kubectl capture: expected a List or NetworkPolicy objects");
  }
  if (Array.isArray(value.items)) {
    for (const item of value.items) collect(item, out, label);
    return;
  }
  if (value.kind !== "NetworkPolicy") return; // `kubectl get all`-style captures carry other kinds: not ours
  if (value.apiVersion !== undefined && value.apiVersion !== "networking.k8s.io/v1") {
    throw new LiveSourceError(`read ${label}`, `unexpected apiVersion ${String(value.apiVersion)} for a NetworkPolicy`);
  }
  const meta = isRecord(value.metadata) ? value.metadata : {};
  if (typeof meta.name !== "string" || typeof meta.namespace !== "string") {
    throw new LiveSourceError(`read ${label}`, "a NetworkPolicy in the capture has no metadata.name or metadata.namespace");
  }
  out.push(value);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
