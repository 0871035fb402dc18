import { readFile } from "node:fs/promises";
import { parseAllDocuments, LineCounter } from "yaml";
import { LiveSourceError } from "../../model/errors.js";
import { isRecord } from "../../util/values.js";
import { storableCidr } from "../desired/cidr.js";
import { decodeUtf8, flowTooDeep, MAX_DEPTH, tooDeep } from "./text-checks.js";
import type { CaptureFacts, LiveList } from "./types.js";
import { errorMessage } from "../../util/errors.js";

export interface CaptureOptions {
  /** The user said the capture covers every namespace (`-A`). */
  allNamespaces?: boolean;
}

/**
 * A `kubectl get netpol -A -o json|yaml` capture (a List, a NetworkPolicyList, one object, or several YAML
 * documents). `-` reads stdin. Anything unreadable fails the whole source: a half-read capture is no capture.
 */
export async function readLiveFile(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  opts: CaptureOptions = {},
): Promise<LiveList> {
  const label = file === "-" ? "stdin" : file;
  const call = `read ${label}`;
  let bytes: Uint8Array | undefined;
  try {
    bytes = file === "-" ? await readAll(stdin) : await readFile(file);
  } catch (err) {
    throw new LiveSourceError(call, errorMessage(err));
  }
  // One copy at a time: the bytes go once decoded, the text once parsed.
  const decoded = decodeUtf8(bytes);
  bytes = undefined;
  if ("badLine" in decoded) {
    throw new LiveSourceError(
      call,
      `line ${decoded.badLine}: not UTF-8 (kubectl writes UTF-8; a re-encoded capture would compare changed labels)`,
    );
  }
  const objects = parseCapture(decoded.text, label);
  return { objects, cluster: label, origin: `file: ${label}`, requests: 1, capture: captureFacts(objects, call, opts) };
}

function captureFacts(objects: Record<string, unknown>[], call: string, opts: CaptureOptions): CaptureFacts {
  const namespaces = new Set<string>();
  let withoutManagedFields = 0;
  for (const o of objects) {
    const meta = o.metadata as Record<string, unknown>;
    namespaces.add(meta.namespace as string);
    if (!Array.isArray(meta.managedFields) || meta.managedFields.length === 0) withoutManagedFields++;
  }
  return { call, namespaces: [...namespaces].sort(), allNamespaces: opts.allNamespaces === true, withoutManagedFields };
}

export function parseCapture(text: string, label: string): Record<string, unknown>[] {
  const call = `read ${label}`;
  const found = new Found(call);
  // `-o json` captures are the common case and JSON.parse is many times faster than a YAML parse of the
  // same text; anything JSON.parse refuses goes through the YAML parser, which also gives the error line.
  if (/^\s*\{/.test(text)) {
    const value = tryJson(text);
    if (value !== undefined) {
      found.top(value);
      return found.done();
    }
  }
  if (flowTooDeep(text))
    throw new LiveSourceError(call, `nested more than ${MAX_DEPTH} levels deep: not a kubectl capture`);
  const counter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  } catch (e) {
    if (e instanceof RangeError) throw new LiveSourceError(call, `nested too deeply to read: not a kubectl capture`);
    throw e;
  }
  let documents = 0;
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
      throw new LiveSourceError(call, `not valid JSON/YAML: ${errorMessage(e)}`);
    }
    if (value === null || value === undefined) continue; // `---` alone, comments only
    documents++;
    found.top(value);
  }
  if (documents === 0) throw new LiveSourceError(call, "the capture is empty");
  return found.done();
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The NetworkPolicies of a capture, checked as they are found: a capture that is not the whole truth fails. */
class Found {
  readonly objects: Record<string, unknown>[] = [];
  private readonly keys = new Set<string>();
  private readonly otherKinds = new Map<string, number>();

  constructor(private readonly call: string) {}

  private fail(detail: string): never {
    throw new LiveSourceError(this.call, detail);
  }

  /**
   * A capture is a List (kubectl's `v1 List`, or a typed NetworkPolicyList from the raw API) or NetworkPolicy
   * objects. Anything else at the top (a Status from a failed `kubectl get`, a Deployment) means the file is
   * not what was meant: reading it as "no policies" would report every desired policy missing.
   */
  top(value: unknown): void {
    if (tooDeep(value)) this.fail(`nested more than ${MAX_DEPTH} levels deep: not a kubectl capture`);
    if (
      isRecord(value) &&
      typeof value.kind === "string" &&
      !Array.isArray(value.items) &&
      value.kind !== "NetworkPolicy"
    ) {
      const why = value.kind === "Status" && typeof value.message === "string" ? `: ${value.message}` : "";
      this.fail(`not a NetworkPolicy capture: found a ${value.kind}${why}`);
    }
    this.collect(value);
  }

  done(): Record<string, unknown>[] {
    // A List of Pods (the wrong `kubectl get`) would read as "no policies": every desired one "missing".
    if (this.objects.length === 0 && this.otherKinds.size > 0) {
      const kinds = [...this.otherKinds].map(([k, n]) => `${n} ${k}`).join(", ");
      this.fail(`holds no NetworkPolicy, only ${kinds}: capture kubectl get networkpolicies`);
    }
    return this.objects;
  }

  private collect(value: unknown, implied?: string): void {
    // The raw API's NetworkPolicyList leaves kind and apiVersion off its items; kubectl's List sets them.
    const obj = implied && isRecord(value) && value.kind === undefined ? { ...value, kind: implied } : value;
    if (!isRecord(obj) || typeof obj.kind !== "string")
      this.fail("not a kubectl capture: expected a List or NetworkPolicy objects");
    if (Array.isArray(obj.items)) {
      this.whole(obj);
      const itemKind = obj.kind.endsWith("List") && obj.kind !== "List" ? obj.kind.slice(0, -"List".length) : undefined;
      for (const item of obj.items) this.collect(item, itemKind);
      return;
    }
    if (obj.kind !== "NetworkPolicy") {
      this.otherKinds.set(obj.kind, (this.otherKinds.get(obj.kind) ?? 0) + 1); // `kubectl get all`-style captures carry other kinds
      return;
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== "networking.k8s.io/v1") {
      this.fail(`unexpected apiVersion ${String(obj.apiVersion)} for a NetworkPolicy`);
    }
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    if (
      typeof meta.name !== "string" ||
      typeof meta.namespace !== "string" ||
      meta.name === "" ||
      meta.namespace === ""
    ) {
      this.fail("a NetworkPolicy in the capture has no metadata.name or metadata.namespace");
    }
    const key = `${meta.namespace}/${meta.name}`;
    // Which copy the cluster holds is unknown: neither may win silently.
    if (this.keys.has(key)) this.fail(`NetworkPolicy ${key} appears twice: a capture holds each policy once`);
    this.keys.add(key);
    const cidr = unstorableCidr(obj.spec);
    if (cidr !== undefined)
      this.fail(
        `NetworkPolicy ${key} has ipBlock CIDR ${JSON.stringify(cidr)}, which no API server stores: not a capture of a cluster`,
      );
    this.objects.push(obj);
  }

  /** One page of a paginated list (`continue`, `remainingItemCount`) is not the cluster. */
  private whole(list: Record<string, unknown>): void {
    const meta = isRecord(list.metadata) ? list.metadata : {};
    const cont = typeof meta.continue === "string" && meta.continue !== "";
    const remaining = typeof meta.remainingItemCount === "number" && meta.remainingItemCount > 0;
    if (cont || remaining) {
      const which = [
        cont ? "metadata.continue is set" : "",
        remaining ? `metadata.remainingItemCount is ${String(meta.remainingItemCount)}` : "",
      ]
        .filter(Boolean)
        .join(", ");
      this.fail(`is one page of a paginated list (${which}), not the whole list: capture it again without a limit`);
    }
  }
}

/** The first ipBlock cidr/except that is not even Go-parsable (a zone, a /33), if any. */
function unstorableCidr(spec: unknown): string | undefined {
  if (!isRecord(spec)) return undefined;
  for (const [dir, peers] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) {
      for (const peer of isRecord(rule) && Array.isArray(rule[peers]) ? rule[peers] : []) {
        const block = isRecord(peer) && isRecord(peer.ipBlock) ? peer.ipBlock : undefined;
        if (!block) continue;
        for (const c of [block.cidr, ...(Array.isArray(block.except) ? block.except : [])]) {
          if (typeof c !== "string" || !storableCidr(c)) return String(c);
        }
      }
    }
  }
  return undefined;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
