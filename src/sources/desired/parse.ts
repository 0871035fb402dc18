import { LineCounter, parseAllDocuments, isNode, type Document } from "yaml";
import type { Problem, Skipped } from "../../model/types.js";
import { isRecord } from "../../normalize/canonical.js";
import { validatePolicy } from "./validate.js";

/** A NetworkPolicy found in a file, still raw, with the line its object starts on. */
export interface FoundPolicy {
  raw: Record<string, unknown>;
  file: string;
  line: number;
}

export interface ParsedFile {
  policies: FoundPolicy[];
  skipped: Skipped[];
  problems: Problem[];
}

const V1 = "networking.k8s.io/v1";

/**
 * Every document of one YAML file, classified: v1 NetworkPolicies are kept, other Kubernetes objects and
 * YAML that is no Kubernetes object at all (Helm values) are skipped and listed, broken input is a problem
 * with file and line. `namespace` is the namespace the file's documents would default to ("*" if unknown):
 * a problem makes it uncertain.
 */
export function parseManifestText(text: string, file: string, namespace: string): ParsedFile {
  const out: ParsedFile = { policies: [], skipped: [], problems: [] };
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  const problem = (line: number, message: string) => out.problems.push({ file, line, message, namespace });

  if (!Array.isArray(docs)) return out; // an empty stream: nothing declared
  let declared = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) problem(lineAt(err.pos[0]), `invalid YAML: ${firstLine(err.message)}`);
      continue;
    }
    if (doc.contents === null) continue; // an empty document between `---` separators
    declared++;
    classify(doc, doc.toJS({ maxAliasCount: 100 }) as unknown, [], out, file, namespace, lineAt);
  }
  if (declared === 0 && out.problems.length === 0) out.skipped.push({ file, reason: "empty file" });
  return out;
}

function classify(
  doc: Document.Parsed,
  value: unknown,
  path: (string | number)[],
  out: ParsedFile,
  file: string,
  namespace: string,
  lineAt: (offset: number | undefined) => number,
): void {
  const line = lineOf(doc, path, lineAt);
  if (!isRecord(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
    out.skipped.push({ file, line, reason: "not a Kubernetes object (no apiVersion/kind)" });
    return;
  }
  const { apiVersion, kind } = value;
  if (kind.endsWith("List") && Array.isArray(value.items)) {
    value.items.forEach((item, i) => classify(doc, item, [...path, "items", i], out, file, namespace, lineAt));
    return;
  }
  if (kind === "NetworkPolicy" && apiVersion === "extensions/v1beta1") {
    out.problems.push({
      file, line, namespace,
      message: "extensions/v1beta1 NetworkPolicy is no longer served: move it to apiVersion networking.k8s.io/v1",
    });
    return;
  }
  if (kind !== "NetworkPolicy" || apiVersion !== V1) {
    out.skipped.push({ file, line, kind, apiVersion, reason: `not a ${V1} NetworkPolicy` });
    return;
  }
  const errors = validatePolicy(value);
  for (const e of errors) {
    const meta = isRecord(value.metadata) ? value.metadata : {};
    const ns = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : namespace;
    out.problems.push({ file, line: lineOf(doc, [...path, ...e.path], lineAt), message: e.message, namespace: ns });
  }
  if (errors.length === 0) out.policies.push({ raw: value, file, line });
}

/** The line of the deepest node on `path` that exists (a missing field points at its parent). */
function lineOf(doc: Document.Parsed, path: (string | number)[], lineAt: (o: number | undefined) => number): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lineAt(node.range[0]);
  }
  return 1;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
