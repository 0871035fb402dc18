// The desired folder's reader thread (read-thread.ts starts it): it reads the paths it was given into two shared
// slots in turn and posts what each batch holds, waiting while both slots are not yet taken.
import { parentPort, workerData } from "node:worker_threads";
import { readInto } from "./read-file.js";

const { paths, ahead, slots, slotBytes, batch } = workerData as {
  paths: string[];
  ahead: Int32Array;
  slots: SharedArrayBuffer;
  slotBytes: number;
  batch: number;
};
for (let at = 0, n = 0; at < paths.length; n++) {
  for (let k = Atomics.load(ahead, 0); k >= 2; k = Atomics.load(ahead, 0)) Atomics.wait(ahead, 0, k);
  const slot = n % 2;
  const read = readInto(paths, at, batch, new Uint8Array(slots, slot * slotBytes, slotBytes));
  at += read.kind.length;
  Atomics.add(ahead, 0, 1);
  parentPort?.postMessage({ slot, read });
}
