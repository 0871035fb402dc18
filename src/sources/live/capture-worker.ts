// The reader thread's entry (capture-thread.ts starts it): scan the capture, post each batch, then the end.
import { parentPort, workerData } from "node:worker_threads";
import type { NormalizeOptions } from "../../model/types.js";
import { scanCapture } from "./capture-scan.js";

const { file, opts } = workerData as { file: string; opts: NormalizeOptions };
const end = await scanCapture(file, opts, (batch) => parentPort?.postMessage({ batch }));
parentPort?.postMessage({ end });
