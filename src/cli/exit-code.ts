// The one place results and errors become exit codes (kubectl's CheckDiffErr): every command returns an
// Outcome or throws, and only this file knows the numbers. 0 nothing to say, 1 findings (drift, violations, a
// denied connection, an effect of a change), 2 incomplete or an error — so a typo never reads as "drift".
import { UsageError } from "../model/errors.js";
import type { Outcome } from "../model/outcome.js";
import { errorMessage } from "../util/errors.js";

export type ExitCode = 0 | 1 | 2;

const CODES: Record<Outcome, ExitCode> = { clean: 0, findings: 1, incomplete: 2 };

export function exitCodeOf(outcome: Outcome): ExitCode {
  return CODES[outcome];
}

/** A bad command line: ours (UsageError) or node's flag parser's (an unknown flag, a missing value). */
export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || Boolean((err as { code?: string } | null)?.code?.startsWith("ERR_PARSE_ARGS"));
}

/**
 * Anything a command threw: said on stderr under the command's name, always 2. A usage error adds where the
 * flags are listed; anything else its stack when NETPOL_DRIFT_DEBUG is set.
 */
export function exitCodeOfError(
  err: unknown,
  io: { command: string; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv },
): ExitCode {
  io.stderr.write(`netpol-drift ${io.command}: ${errorMessage(err)}\n`);
  if (isUsageError(err)) io.stderr.write(`(netpol-drift ${io.command} --help lists the flags)\n`);
  else if (err instanceof Error && err.stack && io.env.NETPOL_DRIFT_DEBUG) io.stderr.write(`${err.stack}\n`);
  return 2;
}
