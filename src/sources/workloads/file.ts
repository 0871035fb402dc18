// Read a workloads capture from a file (or stdin with "-"). A capture that cannot be read fails whole.
import { readFile } from "node:fs/promises";
import { LineCounter, parseAllDocuments } from "yaml";
import { SourceError } from "../../model/errors.js";
import { workloadsFromObjects, type ParsedWorkloads } from "./parse.js";
import { errorMessage } from "../../util/errors.js";

export async function readWorkloadsFile(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<ParsedWorkloads> {
  const label = file === "-" ? "stdin" : file;
  let text: string;
  try {
    text = file === "-" ? await readAll(stdin) : await readFile(file, "utf8");
  } catch (err) {
    throw workloadsError(`read workloads ${label}`, errorMessage(err));
  }
  return parseWorkloadsText(text, label);
}

export function parseWorkloadsText(text: string, label: string): ParsedWorkloads {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  const objects: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    const err = doc.errors[0];
    if (err)
      throw workloadsError(
        `read workloads ${label}`,
        `line ${counter.linePos(err.pos[0]).line}: not valid JSON/YAML: ${err.message.split("\n")[0]}`,
      );
    if (doc.contents !== null) objects.push(doc.toJS());
  }
  const w = workloadsFromObjects(objects, `file: ${label}`);
  if (w.namespaces.length === 0 && w.pods.length === 0) {
    throw workloadsError(
      `read workloads ${label}`,
      "no Namespace or Pod objects: expected `kubectl get namespaces,pods -A -o json`",
    );
  }
  return w;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

/** A workloads capture that cannot be read whole: the problem names the capture as the call that failed. */
function workloadsError(call: string, detail: string): SourceError {
  return new SourceError({ call, message: detail });
}
