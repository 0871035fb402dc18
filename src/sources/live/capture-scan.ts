// What the reader thread (capture-worker.ts) makes of a JSON capture file while the main thread loads the
// desired folder: each policy's key, the hash of its comparable parts and where its bytes lie, not the
// policy, in batches as it reads. The main thread then takes an in-sync policy from the desired side and
// reads only the others again (capture-thread.ts). At 50,000 policies the capture's parse, checks and
// normalisation run on the second core instead of after the desired load, and no copy of the policies
// crosses between the threads.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { NormalizeOptions } from "../../model/types.js";
import { comparablePartsOf } from "../../normalize/policy.js";
import { comparableKey } from "../../normalize/set-keys.js";
import { sha256 } from "../../util/hash.js";
import { isRecord } from "../../util/values.js";
import { streamItems } from "./json-stream.js";

/** Plain data (it crosses threads as a message): the next policies of the capture, in its order. */
export interface ScanBatch {
  /** Each policy's metadata.namespace and metadata.name. */
  namespaceOf: string[];
  nameOf: string[];
  /** sha256 of comparableKey of the normalised policy. */
  hashes: string[];
  /** Where each policy's bytes start in the file, and how many there are. */
  at: number[];
  length: number[];
}

/** What the whole capture said once every batch was handed on. */
export interface ScanEnd {
  namespaces: string[];
  withoutManagedFields: number;
  /** The file as it was read: one that changed since is read again whole. */
  identity: FileIdentity;
}

/** Policies per batch: the main thread takes them as they come, while the rest is still being read. */
export const BATCH = 1000;

export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export function identityOf(s: FileIdentity): FileIdentity {
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Scans a JSON List capture, handing each BATCH of policies to `onBatch` as it is read; the end, or
 * undefined for anything the ordinary reader must decide: a fault (its errors are the reader's, file and line
 * included), YAML, an unusual layout, a List nested in the list, a file that changed while it was read.
 * Undefined is never "no policies": the caller drops the batches and reads the file whole.
 */
export async function scanCapture(
  file: string,
  opts: NormalizeOptions,
  onBatch: (batch: ScanBatch) => void,
): Promise<ScanEnd | undefined> {
  let batch = emptyBatch();
  let current: { value: Record<string, unknown>; at: number; length: number } | undefined;
  const keep = (raw: Record<string, unknown>): void => {
    const item = current;
    current = undefined;
    // Only a policy that is an item of the top-level list has bytes of its own to read again.
    if (!item || raw.metadata !== item.value.metadata) throw new NotAnItem();
    const meta = raw.metadata as Record<string, unknown>; // Found checked its name and namespace
    batch.namespaceOf.push(String(meta.namespace));
    batch.nameOf.push(String(meta.name));
    batch.hashes.push(sha256(comparableKey(comparablePartsOf(raw, opts))));
    batch.at.push(item.at);
    batch.length.push(item.length);
    if (batch.hashes.length >= BATCH) {
      onBatch(batch);
      batch = emptyBatch();
    }
  };
  try {
    const before = await stat(file);
    if (!before.isFile()) return undefined;
    const found = await streamItems(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      `read ${file}`,
      keep,
      undefined,
      (value, at, length) => {
        current = isRecord(value) ? { value, at, length } : undefined;
      },
    );
    found.done();
    const after = await stat(file);
    if (!sameFile(identityOf(before), identityOf(after))) return undefined;
    if (batch.hashes.length > 0) onBatch(batch);
    return {
      namespaces: [...found.namespaces].sort(),
      withoutManagedFields: found.withoutManagedFields,
      identity: identityOf(after),
    };
  } catch {
    return undefined;
  }
}

function emptyBatch(): ScanBatch {
  return { namespaceOf: [], nameOf: [], hashes: [], at: [], length: [] };
}

class NotAnItem extends Error {}
