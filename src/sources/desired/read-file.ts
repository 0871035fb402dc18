// One policy file read whole, in the fewest system calls: at 50,000 files the open, stat, read and close of
// each is a large part of the load. This thread (read-thread.ts readHere) and the reader thread
// (read-worker.ts) both read this way, so a file reads the same wherever it is read.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { errorMessage } from "../../util/errors.js";

// A policy file is a few KiB; anything this large is a mistake (a dump, a binary) and is refused, not parsed.
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

// One buffer for every read: each file is decoded or copied before the next one is read.
let scratch = Buffer.allocUnsafe(1 << 16);

/** The file's bytes (valid until the next read), or its size when that is over the limit (it is not read). */
export function readSmall(full: string): Buffer | number {
  const fd = openSync(full, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return size;
    if (size > scratch.length) scratch = Buffer.allocUnsafe(size);
    const bytes = scratch.subarray(0, size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n === 0) break; // shrank while read
      got += n;
    }
    return got === size ? bytes : bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** What a batch of reads gives back: per file its bytes in the slot, its size when too large, or why it failed. */
export interface ReadBatch {
  /** Per file: 0 read (`at`, `length` in the slot), 1 over the limit (`length` is its size), 2 failed (`errors`). */
  kind: Uint8Array;
  at: Float64Array;
  length: Float64Array;
  /** The failed reads' messages, in file order. */
  errors: string[];
}

/**
 * Reads up to `max` of `paths` from `start` into `slot`, one after the other, and stops before a file that
 * does not fit what is left of it (the next batch reads it again, into an empty slot, which holds the largest
 * file read: MAX_FILE_BYTES).
 */
export function readInto(paths: string[], start: number, max: number, slot: Uint8Array): ReadBatch {
  const n = Math.min(max, paths.length - start);
  const out: ReadBatch = { kind: new Uint8Array(n), at: new Float64Array(n), length: new Float64Array(n), errors: [] };
  let used = 0;
  let i = 0;
  for (; i < n; i++) {
    let read: Buffer | number;
    try {
      read = readSmall(paths[start + i] as string);
    } catch (err) {
      out.kind[i] = 2;
      out.errors.push(errorMessage(err));
      continue;
    }
    if (typeof read === "number") {
      out.kind[i] = 1;
      out.length[i] = read;
      continue;
    }
    if (used + read.length > slot.length && i > 0) break;
    slot.set(read, used);
    out.at[i] = used;
    out.length[i] = read.length;
    used += read.length;
  }
  return i === n
    ? out
    : { kind: out.kind.slice(0, i), at: out.at.slice(0, i), length: out.length.slice(0, i), errors: out.errors };
}
