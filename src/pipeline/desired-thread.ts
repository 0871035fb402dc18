import { Worker } from "node:worker_threads";
import type { DesiredState } from "../model/types.js";
import { loadDesired, type AssembleOptions } from "../sources/desired/index.js";

/**
 * The desired load on a worker thread, for a live source that is the API server: the YAML parse then runs
 * while the main thread loads client-node and waits for list pages, instead of holding up each page it
 * would otherwise run between. A capture file has nothing to wait for: it stays on the main thread (one
 * heap, lower peak memory). Run from TypeScript sources (tests), there is no compiled worker: same thread.
 */
export function loadDesiredOffThread(root: string, opts: AssembleOptions): Promise<DesiredState> {
  if (!import.meta.url.endsWith(".js")) return loadDesired(root, opts);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./desired-worker.js", import.meta.url), { workerData: { root, opts } });
    let done = false;
    worker.once("message", (m: { state?: DesiredState; error?: string }) => {
      done = true;
      if (m.state) resolve(m.state);
      else reject(new Error(`loading the desired state failed: ${m.error ?? "unknown error"}`));
      void worker.terminate();
    });
    worker.once("error", (err) => {
      done = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!done) reject(new Error(`the desired-state loader stopped (exit code ${code}) before it answered`));
    });
  });
}
