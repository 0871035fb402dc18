import { UsageError } from "../model/errors.js";
import { DEFAULT_TIMEZONE, runSchedule, validateSchedule } from "../workers/schedule.js";
import type { Outcome } from "../model/outcome.js";
import type { CommandContext } from "./context.js";
import { makeRunJob } from "./run.js";

export const SCHEDULE_HELP = `netpol-drift schedule — run the nightly \`run\` in this process on a cron schedule (for hosts without a CronJob)

Usage: netpol-drift schedule --cron EXPR [--timezone TZ] [RUN FLAGS...]

  --cron EXPR        cron expression, as in the CronJob's spec.schedule: 5 fields ("30 2 * * *"), or 6 with
                     seconds first; @daily etc. also work (default: NETPOL_DRIFT_SCHEDULE)
  --timezone TZ      IANA time zone, as in the CronJob's spec.timeZone (default: NETPOL_DRIFT_TIMEZONE, else ${DEFAULT_TIMEZONE})
  RUN FLAGS          every other flag is handed to each \`netpol-drift run\` unchanged

A run that is still going when the next slot comes skips that slot (no overlap, no queue). SIGTERM or SIGINT
stops scheduling, lets the current run finish, and exits 0. The next run time is logged after every run.`;

/** What the command needs from outside; tests pass their own. */
export interface ScheduleCommandDeps {
  /** Turns the pass-through flags into the job. Called once, before the first slot, so bad flags fail now. */
  makeJob: (runArgs: string[], ctx: CommandContext) => Promise<() => Promise<number>>;
  /** Where SIGTERM/SIGINT come from (the process). */
  signals: Pick<NodeJS.EventEmitter, "on" | "off">;
}

export async function scheduleCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  // The run's own flag parsing and config loading happen once at start (a bad setting fails now, not at 2 a.m.).
  await scheduleCommandWith(args, ctx, { makeJob: makeRunJob, signals: process });
  return "clean"; // it returns once stopped by a signal; anything wrong before that is thrown
}

export async function scheduleCommandWith(
  args: string[],
  ctx: CommandContext,
  deps: ScheduleCommandDeps,
): Promise<number> {
  const { own, rest } = splitArgs(args);
  if (own.help) {
    ctx.stdout.write(SCHEDULE_HELP + "\n");
    return 0;
  }
  const cron = own.cron ?? ctx.env.NETPOL_DRIFT_SCHEDULE;
  if (!cron) throw new UsageError("--cron is required (or NETPOL_DRIFT_SCHEDULE), e.g. --cron '30 2 * * *'");
  const timezone = own.timezone ?? (ctx.env.NETPOL_DRIFT_TIMEZONE || DEFAULT_TIMEZONE);
  validateSchedule({ cron, timezone }); // before anything else, so a typo fails at deploy time, not at 2 a.m.
  const logger = ctx.makeLogger(logLevelOf(rest));
  const job = await deps.makeJob(rest, ctx);

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn({ signal }, "already stopping: waiting for the current run to finish");
      return;
    }
    logger.info({ signal }, "stop requested");
    controller.abort();
  };
  deps.signals.on("SIGTERM", onSignal);
  deps.signals.on("SIGINT", onSignal);
  try {
    await runSchedule({ cron, timezone }, { job, logger, signal: controller.signal });
    return 0;
  } finally {
    deps.signals.off("SIGTERM", onSignal);
    deps.signals.off("SIGINT", onSignal);
  }
}

interface OwnFlags {
  cron?: string;
  timezone?: string;
  help?: boolean;
}

/** Takes out schedule's own flags (--cron X, --cron=X, --timezone, -h/--help); the rest go to `run` as given. */
export function splitArgs(args: string[]): { own: OwnFlags; rest: string[] } {
  const own: OwnFlags = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") {
      own.help = true;
      continue;
    }
    const m = /^--(cron|timezone)(?:=(.*))?$/.exec(arg);
    if (!m) {
      rest.push(arg);
      continue;
    }
    const name = m[1] as "cron" | "timezone";
    let value = m[2];
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (own[name] !== undefined) throw new UsageError(`--${name} given twice`);
    own[name] = value;
  }
  return { own, rest };
}

function logLevelOf(runArgs: string[]): string | undefined {
  for (let i = 0; i < runArgs.length; i++) {
    const a = runArgs[i] as string;
    if (a === "--log-level") return runArgs[i + 1];
    if (a.startsWith("--log-level=")) return a.slice("--log-level=".length);
  }
  return undefined;
}
