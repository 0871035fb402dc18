import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { UsageError } from "../model/errors.js";
import { FIELDS } from "../config/schema.js";
import { makeNightlyJob } from "../workers/nightly/job.js";
import type { Outcome } from "../model/outcome.js";
import type { CommandContext } from "./context.js";
import { showHelp } from "./flags.js";
import { SOURCE_FLAGS, SOURCE_HELP, sourceOptions } from "./source-flags.js";

/** One line per setting, from the table that validates them: key, environment name, default, meaning. */
function settingsHelp(): string {
  return Object.entries(FIELDS)
    .map(([key, f]) => {
      const parsed = f.schema.safeParse(undefined);
      const def = parsed.success && parsed.data !== undefined ? ` (default ${String(parsed.data)})` : "";
      return `  ${key.padEnd(17)} ${f.env}${def}\n${" ".repeat(20)}${f.help}`;
    })
    .join("\n");
}

export const RUN_HELP = `netpol-drift run — the nightly job: detect drift, record it in git, open or update the PR/MR, notify Slack

Usage: netpol-drift run [--config FILE] [--dry-run] [--kubeconfig FILE | --live-file FILE]

  --config FILE                 YAML file of settings (the keys below)
  --dry-run                     print what the run would commit (files and sizes), open, update or close, and
                                send; push nothing, call no forge, post nothing

Settings: the YAML key, then its environment variable, which wins over the file. In the YAML file,
egressAllow and airGapped may also be lists.
${settingsHelp()}

NETPOL_DRIFT_PUSHGATEWAY (URL) pushes the run's metrics; NETPOL_DRIFT_WORKDIR holds the scratch clone.
The desired state is read from the cloned repo, so --desired does not apply.

${SOURCE_HELP}

Exit codes: 0 the run did its job (drift or not), 2 anything failed (git, forge, Slack, an incomplete report).`;

const RUN_FLAGS = {
  ...SOURCE_FLAGS,
  config: { type: "string" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parse the flags and validate the configuration once; the returned job runs the nightly pipeline. */
export async function prepareRun(args: string[], ctx: CommandContext): Promise<(() => Promise<number>) | "help"> {
  const { values } = parseArgs({ args, options: RUN_FLAGS, allowPositionals: false, strict: true });
  if (values.help) return "help";
  if (values.desired)
    throw new UsageError(
      "run reads the desired state from the cloned repo: set NETPOL_DRIFT_DESIRED_PATH (or desiredPath) instead of --desired",
    );
  const config = await loadConfig({
    file: values.config,
    env: ctx.env,
    flags: values["cluster-name"] ? { cluster: values["cluster-name"] } : {},
  });
  const { desired: _unused, ...sources } = sourceOptions(values);
  const logger = ctx.makeLogger(values["log-level"]);
  return makeNightlyJob(config, {
    logger,
    now: ctx.now,
    sources,
    stdin: ctx.stdin,
    env: ctx.env,
    ...(values["dry-run"] ? { dryRun: ctx.stdout } : {}),
  });
}

export async function runCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  const job = await prepareRun(args, ctx);
  if (job === "help") return showHelp(ctx, RUN_HELP);
  // The nightly job still answers 0 (did its job) or 2 (anything failed): as an Outcome for cli/exit-code.ts.
  return (await job()) === 0 ? "clean" : "incomplete";
}

/** For `schedule`: the job a slot runs, with the flags and configuration checked once up front. */
export async function makeRunJob(args: string[], ctx: CommandContext): Promise<() => Promise<number>> {
  const job = await prepareRun(args, ctx);
  if (job === "help") throw new UsageError("--help is not a run flag to schedule");
  if (args.includes("--dry-run")) throw new UsageError("--dry-run is not a run flag to schedule: use `run --dry-run`");
  return job;
}
