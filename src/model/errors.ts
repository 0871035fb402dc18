// One error model, after netpol-analyzer's NetpolError: a source that cannot be read whole throws a
// SourceError carrying the Problem (what went wrong, and where: file and line, or the API call). Workers turn it
// into a problem of their result; `cli/exit-code.ts` turns anything left into exit code 2. A UsageError is a
// command line that cannot run as given: exit 2, and the hint that --help lists the flags.
import { fileLine } from "../util/location.js";
import type { Problem } from "./types.js";

export class SourceError extends Error {
  constructor(
    readonly problem: Problem,
    options?: { cause?: unknown; status?: number },
  ) {
    super(problemMessage(problem), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SourceError";
    this.status = options?.status;
  }
  /** The HTTP status an API call answered with, when it answered. */
  readonly status: number | undefined;
}

/**
 * The live or workloads side could not be read whole: a SourceError whose problem names the API call or the
 * capture (`call`). Kept as a constructor so the listers say `new LiveSourceError(call, detail)`.
 */
export class LiveSourceError extends SourceError {
  constructor(call: string, detail: string, status?: number, options?: { cause?: unknown }) {
    super({ call, message: detail }, { cause: options?.cause, status });
    this.name = "LiveSourceError";
  }
  get call(): string {
    return this.problem.call ?? "";
  }
  get detail(): string {
    return this.problem.message;
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `file:line: message`, `call: message`, or the message: how a problem reads as one line. */
export function problemMessage(p: Problem): string {
  const where = fileLine(p) || (p.call ?? "");
  return where ? `${where}: ${p.message}` : p.message;
}
