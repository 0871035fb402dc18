import type { RunConfig } from "../../config/schema.js";
import type { Logger } from "../../log/logger.js";
import type { Outcome } from "../../model/outcome.js";
import { meterRun, pushOptionsFromEnv } from "../../sinks/metrics/index.js";
import { runNightly } from "./index.js";
import { runWorkloadsOf, type WireOptions, wireNightly } from "./wire.js";

export interface NightlyJobOptions {
  logger: Logger;
  now: () => Date;
  sources: WireOptions["sources"];
  stdin?: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** `run --dry-run`: print the plan here, carry nothing out. */
  dryRun?: NodeJS.WritableStream;
}

/** The nightly run's exit code: 0 it did its job (drift or not), 2 anything failed or could not be trusted. */
export function nightlyExitCode(outcome: Outcome): 0 | 2 {
  return outcome === "clean" ? 0 : 2;
}

/**
 * The nightly run as a job: adapters wired, metrics pushed when NETPOL_DRIFT_PUSHGATEWAY is set, the git
 * scratch folder under NETPOL_DRIFT_WORKDIR (the pod's emptyDir). Settings are checked here, once, before
 * the first run, so `schedule` fails at start and not at 02:00.
 */
export function makeNightlyJob(config: RunConfig, opts: NightlyJobOptions): () => Promise<number> {
  const push = opts.dryRun ? undefined : pushOptionsFromEnv(opts.env);
  const scratchRoot = opts.env.NETPOL_DRIFT_WORKDIR || undefined;
  runWorkloadsOf(config, opts.sources.live); // refuses a workloads setting the live source cannot serve, now rather than at 02:30
  return () => {
    const deps = wireNightly(config, { ...opts, ...(scratchRoot ? { scratchRoot } : {}) });
    const run = async () => {
      const result = await runNightly(config, deps);
      return { code: nightlyExitCode(result.outcome), ...(result.report ? { report: result.report } : {}) };
    };
    return meterRun(run, { push, cluster: config.cluster, logger: opts.logger, now: opts.now });
  };
}
