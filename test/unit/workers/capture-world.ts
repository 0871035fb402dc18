// A desired folder and the capture of a cluster that holds it, for the tests of the capture reader thread
// (capture-scan.ts, capture-thread.ts): the server side written out as the API server stores it (defaults
// in the spec, managedFields, last-applied), so each test changes one thing on one side.
import type { NormalizeOptions } from "../../../src/model/types.js";
import { type ScanBatch, type ScanEnd, scanCapture } from "../../../src/sources/live/capture-scan.js";
import { ScanFeed } from "../../../src/sources/live/capture-thread.js";
import { type Json, kubectlList, managedEntry, manifest, serverPolicy } from "../../fixtures/server-shaped.js";

export interface WorldPolicy {
  namespace: string;
  name: string;
  spec: Json;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const WEB: WorldPolicy = {
  namespace: "shop",
  name: "web",
  labels: { team: "shop", tier: "front" },
  annotations: { note: "hello" },
  spec: {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { app: "front" } } },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge" } } },
        ],
        ports: [
          { protocol: "TCP", port: 80 },
          { protocol: "TCP", port: 443 },
        ],
      },
      { from: [{ podSelector: { matchLabels: { app: "probe" } } }] },
    ],
  },
};

export const DB: WorldPolicy = {
  namespace: "shop",
  name: "db",
  labels: { team: "shop", "10": "x", "9": "y" },
  spec: {
    podSelector: { matchLabels: { app: "db" } },
    policyTypes: ["Egress", "Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ protocol: "TCP", port: 5432 }] }],
    egress: [
      {
        to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.0.0/16"] } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 1000, endPort: 2000 },
        ],
      },
    ],
  },
};

export const API: WorldPolicy = {
  namespace: "cart",
  name: "api",
  spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
};

export const DENY: WorldPolicy = {
  namespace: "tenant-a",
  name: "deny",
  labels: { "app.kubernetes.io/managed-by": "argocd", owner: "a" },
  spec: { podSelector: {}, policyTypes: ["Egress", "Ingress"] },
};

export const WORLD: WorldPolicy[] = [WEB, DB, API, DENY];

/** The desired folder's files (`<namespace>/<name>.yaml`, namespace left to the folder). */
export function desiredFiles(policies: WorldPolicy[] = WORLD, dir = "desired"): Record<string, string> {
  const files: Record<string, string> = {};
  for (const p of policies) {
    const opts = {
      ...(p.labels ? { labels: p.labels } : {}),
      ...(p.annotations ? { annotations: p.annotations } : {}),
    };
    files[`${dir}/${p.namespace}/${p.name}.yaml`] = `${JSON.stringify(manifest(p.name, p.spec, opts), null, 2)}\n`; // JSON is YAML, every string quoted
  }
  return files;
}

export const APPLIED_AT = "2025-03-04T09:15:27Z";
export const EDITED_AT = "2025-06-11T22:14:03Z";

/** The object the API server holds for a policy kubectl applied; `edit` changes it as a later writer would. */
export function served(p: WorldPolicy, edit: (obj: Json) => void = () => {}): Json {
  const obj = serverPolicy(p.namespace, p.name, structuredClone(p.spec), {
    ...(p.labels ? { labels: { ...p.labels } } : {}),
    ...(p.annotations ? { annotations: { ...p.annotations } } : {}),
    lastApplied: manifest(p.name, p.spec, { namespace: p.namespace }),
  });
  edit(obj);
  return obj;
}

/** A later `kubectl edit` that owns `fields` (fieldsV1), newest of the managers. */
export function editedBy(obj: Json, manager: string, fields: Json): void {
  const meta = obj.metadata as Json;
  meta.managedFields = [...(meta.managedFields as Json[]), managedEntry(manager, "Update", EDITED_AT, fields)];
}

export function specOf(obj: Json): Json {
  return obj.spec as Json;
}

export function metaOf(obj: Json): Json {
  return obj.metadata as Json;
}

/** `kubectl get netpol -A -o json` of these objects, as kubectl prints it (indented). */
export function captureOf(items: Json[]): string {
  return `${JSON.stringify(kubectlList(items), null, 4)}\n`;
}

/** The value at `keys` inside a fixture object; a missing step is the test's own mistake. */
export function at(v: unknown, ...keys: (string | number)[]): unknown {
  let here = v;
  for (const k of keys) {
    if (typeof here !== "object" || here === null) throw new Error(`no ${keys.join(".")} in the fixture`);
    here = (here as Record<string | number, unknown>)[k];
  }
  if (here === undefined) throw new Error(`no ${keys.join(".")} in the fixture`);
  return here;
}

/** `text` with the bytes `bad` (not UTF-8, say) in the place of `mark`. */
export function withBytes(text: string, mark: string, bad: number[]): Buffer {
  const [head = "", tail = ""] = text.split(mark);
  return Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]);
}

/** A scan's batches joined, its end, and how many policies each batch held: what the tests compare. */
export interface WholeScan extends ScanBatch, ScanEnd {
  batchSizes: number[];
}

export function joinScan(batches: ScanBatch[], end: ScanEnd | undefined): WholeScan | undefined {
  if (!end) return undefined;
  const whole: WholeScan = { namespaceOf: [], nameOf: [], hashes: [], at: [], length: [], ...end, batchSizes: [] };
  for (const b of batches) {
    whole.namespaceOf.push(...b.namespaceOf);
    whole.nameOf.push(...b.nameOf);
    whole.hashes.push(...b.hashes);
    whole.at.push(...b.at);
    whole.length.push(...b.length);
    whole.batchSizes.push(b.hashes.length);
  }
  return whole;
}

/** scanCapture to its end, in this thread. */
export async function scanAll(file: string, opts: NormalizeOptions): Promise<WholeScan | undefined> {
  const batches: ScanBatch[] = [];
  const end = await scanCapture(file, opts, (b) => batches.push(b));
  return joinScan(batches, end);
}

/** What a feed hands on, to its end (every batch is taken, as policiesFromScan takes them). */
export async function drain(feed: {
  next(): Promise<ScanBatch | undefined>;
  readonly end: ScanEnd | undefined;
}): Promise<WholeScan | undefined> {
  const batches: ScanBatch[] = [];
  for (let b = await feed.next(); b; b = await feed.next()) batches.push(b);
  return joinScan(batches, feed.end);
}

/** A feed of a scan that has ended (the file can be changed before policiesFromScan reads it again). */
export async function endedFeed(file: string, opts: NormalizeOptions): Promise<{ feed: ScanFeed; end?: ScanEnd }> {
  const feed = new ScanFeed();
  const end = await scanCapture(file, opts, (b) => feed.push(b));
  feed.finish(end);
  return end ? { feed, end } : { feed };
}
