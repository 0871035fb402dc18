import { createLogger } from "../log/logger.js";
import { UsageError } from "../model/errors.js";
import type { CommandContext } from "./context.js";
import { errorMessage } from "../util/errors.js";
type Command = (args: string[], ctx: CommandContext) => Promise<number>;

// Commands load on demand: `report` should not pay for the forge clients, Slack, git and cron it never uses.
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  report: {
    load: async () => (await import("./report.js")).reportCommand,
    summary: "show what drifted (read-only; exit 0 none, 1 drift, 2 error)",
  },
  run: {
    load: async () => (await import("./run.js")).runCommand,
    summary: "the nightly job: record drift in git, open the PR/MR, notify Slack (exit 0 ok, 2 error)",
  },
  schedule: {
    load: async () => (await import("./schedule.js")).scheduleCommand,
    summary: "run `run` on a cron schedule in this process (hosts without a CronJob)",
  },
  check: {
    load: async () => (await import("./check.js")).checkCommand,
    summary: "baseline invariants on the desired state, for CI (exit 0 clean, 1 violations, 2 error)",
  },
  diff: {
    load: async () => (await import("./diff.js")).diffCommand,
    summary: "what a change to the policy repo does to traffic, for its CI (exit 0 none, 1 an effect, 2 error)",
  },
  eval: {
    load: async () => (await import("./eval.js")).evalCommand,
    summary: "is one connection allowed, and which rules decide (exit 0 allowed, 1 denied, 2 error)",
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `netpol-drift — keeps a cluster's Kubernetes NetworkPolicies honest against git

Usage: netpol-drift <command> [flags]   (netpol-drift <command> --help for its flags)

Commands:
${lines.join("\n")}
`;
}

export function processContext(): CommandContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    makeLogger: (level) => createLogger({ level }),
    now: () => new Date(),
  };
}

/** Parse the command line, run the command, return the exit code. Errors are printed, never thrown. */
export async function main(argv: string[], ctx: CommandContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === "--version") {
    ctx.stdout.write("netpol-drift 0.1.0\n");
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`netpol-drift: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, ctx);
  } catch (err) {
    const isUsage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    ctx.stderr.write(`netpol-drift ${name}: ${errorMessage(err)}\n`);
    if (isUsage) ctx.stderr.write(`(netpol-drift ${name} --help lists the flags)\n`);
    else if (err instanceof Error && err.stack && ctx.env.NETPOL_DRIFT_DEBUG) ctx.stderr.write(err.stack + "\n");
    return 2;
  }
}
