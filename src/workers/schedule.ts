// `netpol-drift schedule`: the nightly run for hosts without a CronJob (a VM, a Deployment). The job is
// injected, so this file knows nothing of git or Slack; node-cron does the timing, in the same cron syntax and
// IANA time zone as jobs/cronjob.yaml.
import { createTask, validateDetailed, type Logger as CronLogger, type TaskContext } from "node-cron";
import type { Logger } from "../log/logger.js";
import { UsageError } from "../model/errors.js";

export interface ScheduleOptions {
  /** 5 fields (as in a CronJob) or 6 (seconds first), or a nickname such as @daily. */
  cron: string;
  /** IANA zone, e.g. Europe/Berlin (the CronJob's spec.timeZone). */
  timezone: string;
}

export interface ScheduleDeps {
  /** One run; resolves to its exit code. The project's convention: 0 fine, 1 drift found, 2 error. */
  job: () => Promise<number>;
  logger: Logger;
  /** Abort = stop: no new runs, the current one finishes, then runSchedule resolves. */
  signal: AbortSignal;
}

export interface ScheduleSummary {
  runs: number;
  /** Runs that exited 2 or more, or threw. */
  failed: number;
  /** Slots skipped because the previous run was still going. */
  skipped: number;
}

/** A bad --cron or --timezone: a usage error, so the CLI points at --help. */
export class ScheduleConfigError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleConfigError";
  }
}

export const DEFAULT_TIMEZONE = "Etc/UTC";

/** Checks both before anything is scheduled; the message says which field is wrong. */
export function validateSchedule(opts: ScheduleOptions): void {
  const expr = opts.cron.trim();
  if (!expr) throw new ScheduleConfigError("--cron is empty (e.g. --cron '30 2 * * *')");
  const result = validateDetailed(expr);
  if (!result.valid) {
    const why = result.errors
      .map((e) => (e.field === "expression" ? e.message : `${e.field}: ${e.message}`))
      .join("; ");
    throw new ScheduleConfigError(`invalid cron expression "${opts.cron}": ${why}`);
  }
  if (!isTimeZone(opts.timezone)) {
    throw new ScheduleConfigError(
      `unknown time zone "${opts.timezone}": use an IANA name such as Etc/UTC or Europe/Berlin`,
    );
  }
}

/** Intl knows the same tz database the CronJob controller uses; it throws a RangeError for unknown zones. */
export function isTimeZone(tz: string): boolean {
  if (!tz.trim()) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** node-cron's own messages, into pino at the same levels. */
export function cronLogger(log: Logger): CronLogger {
  const child = log.child({ component: "node-cron" });
  const withErr = (level: "error" | "debug") => (message: string | Error, err?: Error) => {
    if (message instanceof Error) child[level]({ err: message }, message.message);
    else child[level](err ? { err } : {}, message);
  };
  return { info: (m) => child.info(m), warn: (m) => child.warn(m), error: withErr("error"), debug: withErr("debug") };
}

/** Runs the job on the schedule until `signal` aborts; resolves once the last run has finished. */
export async function runSchedule(opts: ScheduleOptions, deps: ScheduleDeps): Promise<ScheduleSummary> {
  validateSchedule(opts);
  const log = deps.logger.child({ cron: opts.cron, timezone: opts.timezone });
  const summary: ScheduleSummary = { runs: 0, failed: 0, skipped: 0 };
  let current: Promise<void> | undefined;
  let stopping = false;

  const runOnce = async (slot: TaskContext) => {
    summary.runs++;
    const started = Date.now();
    log.info({ slot: slot.dateLocalIso }, "scheduled run started");
    let code: number;
    try {
      code = await deps.job();
    } catch (err) {
      log.error({ err }, "scheduled run threw");
      code = 2;
    }
    const seconds = (Date.now() - started) / 1000;
    if (code >= 2) {
      summary.failed++;
      log.error({ exitCode: code, seconds }, "scheduled run failed");
    } else log.info({ exitCode: code, seconds }, "scheduled run finished");
  };

  const task = createTask(
    opts.cron,
    async (ctx: TaskContext) => {
      // node-cron's noOverlap already holds back a tick while a run is going; this also covers a tick that
      // was already on its way when stop() was called.
      if (stopping || current) return;
      current = runOnce(ctx);
      try {
        await current;
      } finally {
        current = undefined;
        if (!stopping) logNext();
      }
    },
    { timezone: opts.timezone, name: "netpol-drift", noOverlap: true, logger: cronLogger(deps.logger) },
  );
  task.on("execution:overlap", (ctx) => {
    summary.skipped++;
    log.warn({ slot: ctx.dateLocalIso }, "previous run still going: this slot is skipped, not queued");
  });

  const logNext = () => {
    const next = task.getNextRun();
    if (next) log.info({ next: next.toISOString(), nextLocal: localTime(next, opts.timezone) }, "next run");
  };

  return new Promise<ScheduleSummary>((resolve) => {
    const stop = () => {
      stopping = true;
      task.stop();
      const waitFor = current;
      if (waitFor) log.info("stopping: waiting for the current run to finish");
      void (waitFor ?? Promise.resolve()).finally(() => {
        void task.destroy();
        log.info(summary, "scheduler stopped");
        resolve(summary);
      });
    };
    if (deps.signal.aborted) {
      void task.destroy();
      resolve(summary);
      return;
    }
    deps.signal.addEventListener("abort", stop, { once: true });
    void task.start();
    log.info("scheduler started");
    logNext();
  });
}

/** "2025-06-01 02:30:00 Europe/Berlin": the next run as the operator thinks of it. */
export function localTime(date: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")} ${timezone}`;
}
