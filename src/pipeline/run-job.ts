import type { Logger } from "../log/logger.js";
import type { RunConfig } from "../config/schema.js";
import { meterRun, pushOptionsFromEnv } from "../sinks/metrics/index.js";
import { runNightly } from "./run.js";
import { runWorkloadsOf, wireRun, type WireOptions } from "./run-wire.js";

export interface NightlyJobOptions {
  logger: Logger;
  now: () => Date;
  sources: WireOptions["sources"];
  stdin?: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * The nightly run as a job: adapters wired, metrics pushed when NETPOL_DRIFT_PUSHGATEWAY is set, the git
 * scratch folder under NETPOL_DRIFT_WORKDIR (the pod's emptyDir). Settings are checked here, once, before
 * the first run, so `schedule` fails at start and not at 02:00.
 */
export function makeNightlyJob(config: RunConfig, opts: NightlyJobOptions): () => Promise<number> {
  const push = pushOptionsFromEnv(opts.env);
  const scratchRoot = opts.env.NETPOL_DRIFT_WORKDIR || undefined;
  runWorkloadsOf(config, opts.sources.live); // refuses a workloads setting the live source cannot serve, now rather than at 02:30
  return () => {
    const deps = wireRun(config, {
      logger: opts.logger,
      now: opts.now,
      sources: opts.sources,
      stdin: opts.stdin,
      scratchRoot,
    });
    return meterRun(deps, (d) => runNightly(config, d), {
      push,
      cluster: config.cluster,
      logger: opts.logger,
      now: opts.now,
    });
  };
}
