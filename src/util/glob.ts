import picomatch from "picomatch";
import { errorMessage } from "./errors.js";

// Globs as a shell reads them (`*`, `?`, `[a-z]`, `[!a]`, `{a,b}`), by picomatch. picomatch is a path matcher:
// its `*` stops at `/`. Namespaces, names and label keys (`app.kubernetes.io/name`) are not paths, so `/` is
// swapped for a character no Kubernetes name holds on both sides: `*` then runs across `/` and `.` alike.
const SLASH = "\u001f";
const OPTIONS: picomatch.PicomatchOptions = {
  dot: true, // `*` matches a leading dot too
  nonegate: true, // a leading `!` is a character; an exclude list that inverts itself would surprise
  posix: true, // `[!a]` and `[[:alpha:]]` as in a shell
  strictBrackets: true, // an unclosed `[`, `{` or `(` is an error, not a literal that matches nothing
  debug: true, // otherwise an invalid pattern becomes a regex that silently matches nothing
};

// Patterns come from a handful of flags and rules and are matched against every label of every policy: compile once.
const COMPILED = new Map<string, (text: string) => boolean>();

/** A pattern that is not a glob; the message says why. */
export class GlobError extends Error {
  constructor(
    readonly pattern: string,
    readonly detail: string,
  ) {
    super(`invalid glob ${JSON.stringify(pattern)}: ${detail}`);
    this.name = "GlobError";
  }
}

function compile(pattern: string): (text: string) => boolean {
  let test = COMPILED.get(pattern);
  if (test) return test;
  if (pattern === "") throw new GlobError(pattern, "empty pattern");
  let re: RegExp;
  try {
    re = picomatch.makeRe(pattern.replaceAll("/", SLASH), OPTIONS);
  } catch (err) {
    const message = errorMessage(err).replaceAll(SLASH, "/");
    // The regex's own message quotes the regex it was compiled to; the reason after it is what helps.
    const detail = message.startsWith("Invalid regular expression:")
      ? message.slice(message.lastIndexOf(": ") + 2)
      : message;
    throw new GlobError(pattern, detail);
  }
  test = (text) => re.test(text.replaceAll("/", SLASH));
  COMPILED.set(pattern, test);
  return test;
}

/** Why `pattern` is not a valid glob, or undefined when it is. For validating flags and rules up front. */
export function globProblem(pattern: string): string | undefined {
  try {
    compile(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof GlobError) return err.detail;
    throw err;
  }
}

/**
 * Whether `text` matches the shell glob `pattern`; `*` and `?` match `/` and `.` like any character.
 * Throws GlobError for an invalid pattern (validate user input with globProblem first).
 */
export function globMatch(pattern: string, text: string): boolean {
  return compile(pattern)(text);
}
