// The reader thread's entry (capture-thread.ts starts it): scan the capture, post the scan (or undefined) once.
import { parentPort, workerData } from "node:worker_threads";
import type { NormalizeOptions } from "../../model/types.js";
import { scanCapture } from "./capture-scan.js";

const { file, opts } = workerData as { file: string; opts: NormalizeOptions };
parentPort?.postMessage(await scanCapture(file, opts));
