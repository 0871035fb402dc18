/**
 * What a command concluded, before it is an exit code. Workers return it; `cli/exit-code.ts` is the one place
 * that turns it (or a thrown error) into kubectl diff's contract: 0 nothing to say, 1 findings, 2 incomplete.
 *
 * - report: in sync / drift / a source or file could not be read completely;
 * - check: no violation / violations / problems in the desired folder;
 * - eval: allowed / denied / the query or inputs could not be evaluated;
 * - diff: no effect / an effect or a new violation / incomplete;
 * - run: recorded and delivered (drift is the job's normal business, not a failure) / incomplete or undelivered.
 */
export type Outcome = "clean" | "findings" | "incomplete";

/** What a worker hands the command line: its Outcome, and the text for stdout ("" when it went to `--out`). */
export interface WorkerResult {
  outcome: Outcome;
  stdout: string;
}
