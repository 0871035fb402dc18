import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { noRules } from "../model/rules.js";
import { errorMessage } from "../util/errors.js";
import { type ParsedRules, parseRules } from "./parse.js";

/** The rules file's name at the root of the policy repo. */
export const RULES_FILE = ".netpol-drift.yaml";

/**
 * The default rules file for a desired folder: `.netpol-drift.yaml` at the root of the git repository that
 * holds it (the first folder upwards with a `.git`, a directory or a worktree's file). Undefined when the
 * folder is in no repository or the repository has no rules file: then there are no rules.
 */
export async function defaultRulesFile(desiredDir: string): Promise<string | undefined> {
  let dir = path.resolve(desiredDir);
  for (;;) {
    if (await exists(path.join(dir, ".git"))) {
      const file = path.join(dir, RULES_FILE);
      return (await exists(file)) ? file : undefined;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Reads and checks a rules file. A file that cannot be read is a problem like a malformed one: the caller
 * named it (or found it), so going on without it would report waived drift as drift or ignored fields as
 * changed. `shownAs` is how messages name it (relative to the repo, say).
 */
export async function loadRules(file: string, shownAs = file): Promise<ParsedRules> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const parsed = parseRules("", shownAs);
    parsed.problems.push({ file: shownAs, message: `cannot read the rules file: ${errorMessage(err)}` });
    return parsed;
  }
  return parseRules(text, shownAs);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The rules for a desired folder: the named file (which must exist), none (`false`), or the default one when
 * the repository has it. Messages name a default file by its path in the repository, a named one as given,
 * either relative to `relativeTo` when the caller names every file from there (check's desired root).
 */
export async function rulesFor(
  desiredDir: string,
  named: string | false | undefined,
  opts: { relativeTo?: string } = {},
): Promise<ParsedRules> {
  if (named === false) return { rules: noRules(), problems: [] };
  const file = named ?? (await defaultRulesFile(desiredDir));
  if (file === undefined) return { rules: noRules(), problems: [] };
  const shownAs = opts.relativeTo
    ? path.relative(opts.relativeTo, path.resolve(file))
    : named === undefined
      ? RULES_FILE
      : file;
  return loadRules(file, shownAs);
}
