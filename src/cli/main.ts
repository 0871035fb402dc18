import { createLogger } from "../log/logger.js";
import type { Outcome } from "../model/outcome.js";
import { VERSION } from "../model/version.js";
import type { CommandContext } from "./context.js";
import { exitCodeOf, exitCodeOfError } from "./exit-code.js";

/** Each command parses its flags, runs, and returns what it concluded (--help is "clean"); or throws. */
export type Command = (args: string[], ctx: CommandContext) => Promise<Outcome>;

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
    // Help asked for is an answer; no command at all is a usage mistake.
    return exitCodeOf(name ? "clean" : "incomplete");
  }
  if (name === "--version") {
    ctx.stdout.write(`netpol-drift ${VERSION}\n`);
    return exitCodeOf("clean");
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`netpol-drift: unknown command "${name}"\n\n${usage()}`);
    return exitCodeOf("incomplete");
  }
  try {
    return exitCodeOf(await (await command.load())(rest, ctx));
  } catch (err) {
    return exitCodeOfError(err, { command: name, stderr: ctx.stderr, env: ctx.env });
  }
}
