// Worker entry of loadDesiredOffThread: load, post the result (structured clone), done.
import { parentPort, workerData } from "node:worker_threads";
import { loadDesired, type AssembleOptions } from "../sources/desired/index.js";

const { root, opts } = workerData as { root: string; opts: AssembleOptions };
try {
  parentPort?.postMessage({ state: await loadDesired(root, opts) });
} catch (err) {
  parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
