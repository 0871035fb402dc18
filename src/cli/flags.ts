// What every command does with its command line the same way: parse the flags strictly, print --help, check
// -o, and write the worker's text to stdout. The commands follow kubectl's shape on top of it: the flags are
// completed into the worker's options (defaults and the environment filled in), validated, then run.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../model/errors.js";
import type { Outcome, WorkerResult } from "../model/outcome.js";
import type { CommandContext } from "./context.js";

type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

export type FlagValues<F extends FlagSpec> = {
  [K in keyof F]?: F[K] extends { multiple: true } ? string[] : F[K] extends { type: "boolean" } ? boolean : string;
};

/** Unknown flags and missing values are node's ERR_PARSE_ARGS errors: usage errors (cli/exit-code.ts). */
export function parseFlags<F extends FlagSpec>(args: string[], options: F): FlagValues<F> {
  return parseArgs({ args, options, allowPositionals: false, strict: true }).values as FlagValues<F>;
}

/** --help is an answer, not a failure. */
export function showHelp(ctx: CommandContext, text: string): Outcome {
  ctx.stdout.write(`${text}\n`);
  return "clean";
}

/** The worker's text (nothing when it went to --out) to stdout; its outcome to the exit code. */
export function emit(ctx: CommandContext, result: WorkerResult): Outcome {
  if (result.stdout) ctx.stdout.write(result.stdout);
  return result.outcome;
}

/** `-o FORMAT`: one of `formats`, else a usage error listing them. */
export function formatOf<T extends string>(value: string | undefined, formats: readonly T[], fallback: T): T {
  const format = (value ?? fallback) as T;
  if (!formats.includes(format)) throw new UsageError(`-o must be one of ${formats.join(", ")}, got "${value}"`);
  return format;
}
