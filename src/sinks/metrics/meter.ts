// Meters one run so its metrics are pushed whatever happens: the run returns its exit code and the report it
// acted on, and the metrics read that report. A failed push is logged, never turned into a failed run: the
// staleness of netpol_drift_last_success_timestamp_seconds is what alerts then.
import { safeUrl } from "../../util/redact.js";
import type { Logger } from "../../log/logger.js";
import type { Report } from "../../model/types.js";
import { type PushOptions, pushRunMetrics } from "./push.js";

export interface MeterOptions {
  /** Where to push; undefined = metrics off (NETPOL_DRIFT_PUSHGATEWAY unset). */
  push: PushOptions | undefined;
  cluster: string;
  logger: Logger;
  now: () => Date;
}

/** What a metered run hands back: its exit code and, when it got that far, the report. */
export interface MeteredResult {
  code: number;
  report?: Report;
}

/** Runs `run`, then pushes. Success means exit code 0 (the nightly run's "did its job"); a throw counts as 2. */
export async function meterRun(run: () => Promise<MeteredResult>, opts: MeterOptions): Promise<number> {
  if (!opts.push) return (await run()).code;
  const startedAt = opts.now();
  let result: MeteredResult = { code: 2 };
  try {
    result = await run();
    return result.code;
  } finally {
    const input = {
      cluster: opts.cluster,
      success: result.code === 0,
      startedAt,
      finishedAt: opts.now(),
      report: result.report,
    };
    try {
      const { method } = await pushRunMetrics(opts.push, input);
      opts.logger.debug({ pushgateway: safeUrl(opts.push.url), method, success: input.success }, "metrics pushed");
    } catch (err) {
      opts.logger.error({ err }, "metrics push failed");
    }
  }
}
