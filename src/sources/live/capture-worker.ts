// The reader thread's entry (capture-thread.ts starts it): scan the capture, post each batch, then the end.
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { NormalizeOptions } from "../../model/types.js";
import { scanCapture } from "./capture-scan.js";

// The main thread (the desired load, its collector's helper threads) is what the report waits for: this thread
// takes the CPU that is left. Lowering one's own priority needs no privilege; where it is refused, no matter.
try {
  setPriority(19);
} catch {}

const { file, opts } = workerData as { file: string; opts: NormalizeOptions };
const end = await scanCapture(file, opts, (batch) => parentPort?.postMessage({ batch }));
parentPort?.postMessage({ end });
