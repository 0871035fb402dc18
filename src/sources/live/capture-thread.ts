// The capture file read on a second thread while this one loads the desired folder (capture-scan.ts says what
// crosses between them). Once both are done, each live policy whose hash matches its desired counterpart's is
// taken from the desired side, and only the others are read again, from the bytes the scan found them at,
// through the one normaliser.
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { NormalizedPolicy, NormalizeOptions } from "../../model/types.js";
import { type CaptureScan, identityOf, sameFile, scanCapture } from "./capture-scan.js";
import { type CaptureOptions, capturedFrom } from "./file.js";
import type { LivePolicies } from "./types.js";

/** Where the scan runs: "here" is this thread (the unit tests run the TypeScript sources, which a worker cannot load). */
export type ScanPlace = "thread" | "here";

/** Starts the scan of `file`; by default on a worker thread when the built reader is there. */
export function startCaptureScan(
  file: string,
  opts: NormalizeOptions,
  place?: ScanPlace,
): Promise<CaptureScan | undefined> {
  const entry = new URL("./capture-worker.js", import.meta.url);
  if ((place ?? (existsSync(fileURLToPath(entry)) ? "thread" : "here")) === "here") return scanCapture(file, opts);
  return new Promise((resolve) => {
    const worker = new Worker(entry, { workerData: { file, opts } });
    worker.once("message", (scan: CaptureScan | undefined) => resolve(scan));
    // A thread that cannot start or dies (out of memory) leaves the capture to the ordinary reader.
    worker.once("error", () => resolve(undefined));
    worker.once("exit", () => resolve(undefined));
  });
}

/** The in-sync live policies, built from the desired side (compare/same.ts InSyncSharing.twin). */
export interface Twins {
  twin(namespace: string, name: string, hash: string): NormalizedPolicy | undefined;
}

/**
 * The capture's policies from its scan, in the capture's order, each normalised by `normalize` or taken from
 * its desired twin; undefined when the file is not the one scanned any more (read it whole then).
 */
export function policiesFromScan(
  file: string,
  scan: CaptureScan,
  twins: Twins,
  normalize: (raw: Record<string, unknown>) => NormalizedPolicy,
  opts: CaptureOptions = {},
): LivePolicies | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    if (!sameFile(identityOf(fstatSync(fd)), scan.identity)) return undefined;
    const policies: NormalizedPolicy[] = [];
    for (let i = 0; i < scan.hashes.length; i++) {
      const namespace = scan.namespaceOf[i] as string;
      const name = scan.nameOf[i] as string;
      const twin = twins.twin(namespace, name, scan.hashes[i] as string);
      if (twin) {
        policies.push(twin);
        continue;
      }
      const raw = readItem(fd, scan.at[i] as number, scan.length[i] as number);
      const p = raw && normalize(raw);
      if (!p || p.namespace !== namespace || p.name !== name) return undefined;
      policies.push(p);
    }
    return { policies, ...capturedFrom(file, scan.namespaces, scan.withoutManagedFields, opts) };
  } finally {
    closeSync(fd);
  }
}

/** The item's bytes as the scan found them, parsed; undefined when they are not what was scanned. */
function readItem(fd: number, at: number, length: number): Record<string, unknown> | undefined {
  const bytes = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, bytes, got, length - got, at + got);
    if (n === 0) return undefined;
    got += n;
  }
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
