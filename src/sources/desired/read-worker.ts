// The desired folder's reader thread (read-thread.ts starts it): it reads the paths it was given in batches and
// posts each batch's bytes in one transferred buffer, waiting while `inFlight` batches are not yet taken.
import { parentPort, workerData } from "node:worker_threads";
import { readBatch } from "./read-file.js";

const { paths, ahead, batch, inFlight } = workerData as {
  paths: string[];
  ahead: Int32Array;
  batch: number;
  inFlight: number;
};
for (let at = 0; at < paths.length; at += batch) {
  for (let n = Atomics.load(ahead, 0); n >= inFlight; n = Atomics.load(ahead, 0)) Atomics.wait(ahead, 0, n);
  const read = readBatch(paths.slice(at, at + batch));
  Atomics.add(ahead, 0, 1);
  parentPort?.postMessage({ batch: read }, [read.bytes]);
}
