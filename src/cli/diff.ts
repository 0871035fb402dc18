import { FAIL_ON, type FailOn } from "../model/diff.js";
import { UsageError } from "../model/errors.js";
import type { Outcome } from "../model/outcome.js";
import { defaultNormalizeOptions } from "../model/types.js";
import { DIFF_FORMATS } from "../render/diff.js";
import { type DiffOptions, runDiff } from "../workers/diff.js";
import {
  ANALYSIS_FLAGS,
  ANALYSIS_HELP,
  analysisSettings,
  MAX_FLOWS_FLAGS,
  MAX_FLOWS_HELP,
  maxFlows,
} from "./analysis-flags.js";
import { RULES_FLAGS, RULES_HELP, rulesFlag } from "./rules-flags.js";
import type { CommandContext } from "./context.js";
import { emit, type FlagValues, formatOf, parseFlags, showHelp } from "./flags.js";

export const DIFF_HELP = `netpol-drift diff — what a change to the policy repo does to traffic (for the policy repo's CI)

Usage: netpol-drift diff --base REF|DIR --head REF|DIR [--desired PATH] [-o FORMAT] [--out FILE] [--fail-on WHAT]

Each side is a folder when one exists at that path, else a commit of the git repository (--repo, default the
current folder), read with \`git archive\`: no checkout, the working tree is not touched.

  --base REF|DIR                the state before the change (e.g. origin/main, or the merge base)
  --head REF|DIR                the state after it (e.g. HEAD, or . for the working tree)
  --desired PATH                the desired folder inside each side (default: the side itself); for refs a
                                path from the repository root, e.g. ops/k8s/network-policies
  --repo DIR                    git repository the refs are read from (default: .)
  --default-namespace NS        namespace for files at the folder root that name none
${ANALYSIS_HELP}
${MAX_FLOWS_HELP}
${RULES_HELP}
                                (diff checks the head's rules file and lists its expired, soon-ending and
                                unmatched waivers; it compares base and head without them)
Output:
  -o, --output FORMAT           text (default), json, markdown (a PR/MR comment: severe first, within
                                GitHub's comment limit), sarif (new violations at the head's file and line),
                                junit
  --out FILE                    write to FILE instead of stdout
  --fail-on WHAT                what exits 1: any (default: any effect on traffic or a new violation),
                                widens (flows opened), violation (a new baseline violation)

Exit codes: 0 no effect on traffic (a rename or reorder with the same effect is none), 1 an effect (narrowed
by --fail-on), 2 error: a side could not be read whole, bad flags.`;

const DIFF_FLAGS = {
  ...ANALYSIS_FLAGS,
  ...MAX_FLOWS_FLAGS,
  ...RULES_FLAGS,
  base: { type: "string" },
  head: { type: "string" },
  desired: { type: "string" },
  repo: { type: "string" },
  "default-namespace": { type: "string" },
  output: { type: "string", short: "o" },
  out: { type: "string" },
  "fail-on": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type DiffFlags = FlagValues<typeof DIFF_FLAGS>;

export async function diffCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  const flags = parseFlags(args, DIFF_FLAGS);
  if (flags.help) return showHelp(ctx, DIFF_HELP);
  validate(flags);
  return emit(ctx, await runDiff(complete(flags, ctx), ctx.now));
}

function validate(flags: DiffFlags): void {
  if (!flags.base || !flags.head) throw new UsageError("diff needs both --base and --head");
}

function complete(flags: DiffFlags, ctx: CommandContext): DiffOptions {
  const output = formatOf(flags.output, DIFF_FORMATS, "text");
  const failOn = (flags["fail-on"] ?? "any") as FailOn;
  if (!FAIL_ON.includes(failOn))
    throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}, got "${flags["fail-on"]}"`);
  const rules = rulesFlag(flags);
  const cap = maxFlows(flags["max-flows"], ctx.env);
  return {
    ...(rules !== undefined ? { rules } : {}),
    base: flags.base as string,
    head: flags.head as string,
    desired: flags.desired ?? ".",
    repo: flags.repo ?? ".",
    defaultNamespace: flags["default-namespace"],
    normalize: defaultNormalizeOptions(),
    analysis: { ...analysisSettings(flags, ctx.env), ...(cap !== undefined ? { maxFlows: cap } : {}) },
    output,
    outFile: flags.out,
    failOn,
  };
}
