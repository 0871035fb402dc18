// The desired folder's files read on a second thread while this one parses those already read. On a cold page
// cache the load otherwise waits on the disk file by file (50,000 files: 13.3 s read here, 8.5 s with the
// thread), and on a warm one the system calls of 50,000 files are still half a second. The paths
// go over once; the bytes come back through two shared slots the thread fills in turn, a message per batch
// saying what each holds. Nothing is allocated per batch (a fresh buffer each would pile up as garbage
// outside the heap, tens of MB, before a collection frees it), and the bytes held stay those of two slots.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { MAX_FILE_BYTES, type ReadBatch, readSmall } from "./read-file.js";

/** One file's read: its bytes (valid during the call), its size when over the limit, or why it failed. */
export type FileRead = Buffer | number | Error;

/** Reads `paths` in order and hands each read to `each` in that order. */
export type ReadFiles = (paths: string[], each: (i: number, read: FileRead) => void) => Promise<void>;

const BATCH = 128;
/** Room for a batch of policy files, and for the largest file read on its own. */
const SLOT_BYTES = MAX_FILE_BYTES + (1 << 20);

/**
 * On a thread of its own when the built worker is there and a second core is (the unit tests run the
 * TypeScript sources, which a worker cannot load); else on this thread.
 */
export function fileReader(): ReadFiles {
  const entry = new URL("./read-worker.js", import.meta.url);
  if (availableParallelism() < 2 || !existsSync(fileURLToPath(entry))) return readHere;
  return async (paths, each) => {
    await readOnThread(entry, paths, each);
  };
}

/** Synchronously, a few hundred files between turns of the event loop, so a live list run meanwhile takes its pages. */
export const readHere: ReadFiles = async (paths, each) => {
  for (let i = 0; i < paths.length; i++) {
    if (i > 0 && i % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    each(i, readOne(paths[i] as string));
  }
};

function readOne(full: string): FileRead {
  try {
    return readSmall(full);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** As ReadFiles, on a thread started from `entry`; resolves to how many files were left to this thread. */
export async function readOnThread(
  entry: URL,
  paths: string[],
  each: (i: number, read: FileRead) => void,
): Promise<number> {
  if (paths.length === 0) return 0;
  // `ahead` counts the batches read and not yet handed on: the thread waits while both slots hold one.
  const ahead = new Int32Array(new SharedArrayBuffer(4));
  const slots = new SharedArrayBuffer(2 * SLOT_BYTES);
  const worker = new Worker(entry, {
    workerData: { paths, ahead, slots, slotBytes: SLOT_BYTES, batch: BATCH },
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  let next = 0; // the first path not yet handed to `each`
  try {
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      worker.on("message", ({ slot, read: batch }: { slot: number; read: ReadBatch }) => {
        if (done) return;
        let failed = 0;
        try {
          for (let i = 0; i < batch.kind.length; i++, next++) {
            const kind = batch.kind[i];
            each(
              next,
              kind === 0
                ? Buffer.from(slots, slot * SLOT_BYTES + (batch.at[i] as number), batch.length[i])
                : kind === 1
                  ? (batch.length[i] as number)
                  : new Error(batch.errors[failed++]),
            );
          }
        } catch (err) {
          done = true;
          reject(err);
          return;
        }
        Atomics.sub(ahead, 0, 1);
        Atomics.notify(ahead, 0);
        if (next >= paths.length) finish();
      });
      // A thread that cannot start or dies leaves the rest of the files to this one: nothing is lost.
      worker.once("error", finish);
      worker.once("exit", finish);
    });
  } finally {
    void worker.terminate();
  }
  const left = paths.length - next;
  if (left > 0) await readHere(paths.slice(next), (i, read) => each(next + i, read));
  return left;
}
