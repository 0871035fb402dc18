// Wraps one run so its metrics are pushed whatever happens: the report is caught on its way out of
// `detect`, the exit code decides success. A failed push is logged, never turned into a failed run: the
// staleness of netpol_drift_last_success_timestamp_seconds is what alerts then.
import type { Logger } from "../../log/logger.js";
import type { Report } from "../../model/types.js";
import { safeUrl } from "../../config/redact.js";
import { pushRunMetrics, type PushOptions } from "./push.js";

export interface MeterOptions {
  /** Where to push; undefined = metrics off (NETPOL_DRIFT_PUSHGATEWAY unset). */
  push: PushOptions | undefined;
  cluster: string;
  logger: Logger;
  now: () => Date;
}

/**
 * Runs `run(deps')` where deps'.detect is deps.detect with the report kept, then pushes. Success means exit
 * code 0 (the nightly run's "did its job"); anything else is a failed run.
 */
export async function meterRun<D extends { detect: (desiredDir: string, repoRoot?: string) => Promise<Report> }>(
  deps: D,
  run: (deps: D) => Promise<number>,
  opts: MeterOptions,
): Promise<number> {
  if (!opts.push) return run(deps);
  let report: Report | undefined;
  const metered: D = {
    ...deps,
    detect: async (dir: string, repoRoot?: string) => (report = await deps.detect(dir, repoRoot)),
  };
  const startedAt = opts.now();
  let code = 2;
  try {
    code = await run(metered);
    return code;
  } finally {
    const input = { cluster: opts.cluster, success: code === 0, startedAt, finishedAt: opts.now(), report };
    try {
      const { method } = await pushRunMetrics(opts.push, input);
      opts.logger.debug({ pushgateway: safeUrl(opts.push.url), method, success: input.success }, "metrics pushed");
    } catch (err) {
      opts.logger.error({ err }, "metrics push failed");
    }
  }
}
