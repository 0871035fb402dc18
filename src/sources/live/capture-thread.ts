// The capture file read on a second thread while this one loads the desired folder (capture-scan.ts says what
// crosses between them). Once the desired side is loaded, each live policy whose hash matches its desired
// counterpart's is taken from the desired side, and only the others are read again, from the bytes the scan
// found them at, through the one normaliser: batch by batch as the scan hands them on, so a capture that is
// mostly drift (a first run) is normalised here while the rest is still being scanned.
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { NormalizedPolicy, NormalizeOptions } from "../../model/types.js";
import { identityOf, type ScanBatch, type ScanEnd, sameFile, scanCapture } from "./capture-scan.js";
import { type CaptureOptions, capturedFrom } from "./file.js";
import { isRecord } from "../../util/values.js";
import type { LivePolicies } from "./types.js";

/** Where the scan runs: "here" is this thread (the unit tests run the TypeScript sources, which a worker cannot load). */
export type ScanPlace = "thread" | "here";

/** A scan's batches as they arrive, then its end. */
export class ScanFeed {
  private readonly queue: ScanBatch[] = [];
  private finished = false;
  private ended: ScanEnd | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly stop: () => void = () => {}) {}

  push(batch: ScanBatch): void {
    this.queue.push(batch);
    this.wake?.();
  }

  finish(end: ScanEnd | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.ended = end;
    this.wake?.();
  }

  /** The next batch, or undefined once the scan is over (`end` then says how it ended). */
  async next(): Promise<ScanBatch | undefined> {
    for (;;) {
      const batch = this.queue.shift();
      if (batch) return batch;
      if (this.finished) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  /** The scan's end; undefined: it failed or was cancelled, and the capture is read whole. */
  get end(): ScanEnd | undefined {
    return this.ended;
  }

  /** Stops the reader thread (its result is not wanted); a scan that ended is left as it is. */
  cancel(): void {
    if (this.finished) return;
    this.stop();
    this.finish(undefined);
  }
}

/**
 * Starts the scan of `file`; by default on a worker thread when the built reader is there. Undefined on a
 * machine with one core: the scan would only add its own work to the read, which then reads the file whole.
 */
export function startCaptureScan(file: string, opts: NormalizeOptions, place: ScanPlace): ScanFeed;
export function startCaptureScan(file: string, opts: NormalizeOptions): ScanFeed | undefined;
export function startCaptureScan(file: string, opts: NormalizeOptions, place?: ScanPlace): ScanFeed | undefined {
  const entry = new URL("./capture-worker.js", import.meta.url);
  const where =
    place ?? (!existsSync(fileURLToPath(entry)) ? "here" : availableParallelism() > 1 ? "thread" : undefined);
  if (where === undefined) return undefined;
  if (where === "here") {
    const feed = new ScanFeed();
    scanCapture(file, opts, (batch) => feed.push(batch)).then(
      (end) => feed.finish(end),
      () => feed.finish(undefined),
    );
    return feed;
  }
  const worker = new Worker(entry, { workerData: { file, opts } });
  const feed = new ScanFeed(() => void worker.terminate());
  worker.on("message", (m: { batch: ScanBatch } | { end: ScanEnd | undefined }) => {
    if ("batch" in m) feed.push(m.batch);
    else feed.finish(m.end);
  });
  // A thread that cannot start or dies (out of memory) leaves the capture to the ordinary reader.
  worker.once("error", () => feed.finish(undefined));
  worker.once("exit", () => feed.finish(undefined));
  return feed;
}

/** The in-sync live policies, built from the desired side (compare/same.ts InSyncSharing.twin). */
export interface Twins {
  twin(namespace: string, name: string, hash: string): NormalizedPolicy | undefined;
}

/**
 * The capture's policies from its scan, in the capture's order, each taken from its desired twin or read again
 * and normalised by `normalize`; undefined when the scan failed or the file is not the one scanned any more
 * (read it whole then).
 */
export async function policiesFromScan(
  file: string,
  feed: ScanFeed,
  twins: Twins,
  normalize: (raw: Record<string, unknown>) => NormalizedPolicy,
  opts: CaptureOptions = {},
): Promise<LivePolicies | undefined> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    feed.cancel();
    return undefined;
  }
  try {
    const opened = identityOf(fstatSync(fd));
    const policies: NormalizedPolicy[] = [];
    for (let batch = await feed.next(); batch; batch = await feed.next()) {
      for (let i = 0; i < batch.hashes.length; i++) {
        const namespace = batch.namespaceOf[i] as string;
        const name = batch.nameOf[i] as string;
        const twin = twins.twin(namespace, name, batch.hashes[i] as string);
        if (twin) {
          policies.push(twin);
          continue;
        }
        const raw = readItem(fd, batch.at[i] as number, batch.length[i] as number);
        const p = raw && normalize(raw);
        if (!p || p.namespace !== namespace || p.name !== name) {
          feed.cancel();
          return undefined;
        }
        policies.push(p);
      }
    }
    const end = feed.end;
    if (!end || !sameFile(opened, end.identity)) return undefined;
    return { policies, ...capturedFrom(file, end.namespaces, end.withoutManagedFields, opts) };
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
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
