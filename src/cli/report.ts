import { UsageError } from "../model/errors.js";
import type { Outcome } from "../model/outcome.js";
import { OUTPUT_FORMATS } from "../render/index.js";
import { type ReportOptions, runReport } from "../workers/report.js";
import {
  ANALYSIS_FLAGS,
  ANALYSIS_HELP,
  analysisLevel,
  maxFlows,
  analysisSettings,
  LEVEL_FLAGS,
  LEVEL_HELP,
  WORKLOADS_FLAGS,
  WORKLOADS_HELP,
  workloadsSource,
} from "./analysis-flags.js";
import type { CommandContext } from "./context.js";
import { emit, type FlagValues, formatOf, parseFlags, showHelp } from "./flags.js";
import { RULES_FLAGS, RULES_HELP, rulesFlag } from "./rules-flags.js";
import { SOURCE_FLAGS, SOURCE_HELP, sourceOptions } from "./source-flags.js";

export const REPORT_HELP = `netpol-drift report — what drifted between the desired folder and the live NetworkPolicies

Usage: netpol-drift report --desired DIR [--kubeconfig FILE | --live-file FILE] [-o text|json|markdown] [--out FILE]
                           [--workloads FILE | --resolve-workloads] [--values FILE] [analysis flags]

${SOURCE_HELP}
${RULES_HELP}
${ANALYSIS_HELP}
${LEVEL_HELP}
${WORKLOADS_HELP}
Output:
  -o, --output FORMAT           text (default), json, markdown
  --out FILE                    write the report to FILE instead of stdout
  --color / --no-color          colour in text output (default: when stdout is a terminal)

Exit codes: 0 no drift, 1 drift, 2 error or incomplete (a file that failed to parse, the rules file among them,
a failed list, workloads or --values that could not be read). Waived drift is not drift.`;

const REPORT_FLAGS = {
  ...SOURCE_FLAGS,
  ...RULES_FLAGS,
  ...ANALYSIS_FLAGS,
  ...LEVEL_FLAGS,
  ...WORKLOADS_FLAGS,
  output: { type: "string", short: "o" },
  out: { type: "string" },
  color: { type: "boolean" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type ReportFlags = FlagValues<typeof REPORT_FLAGS>;

export async function reportCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  const flags = parseFlags(args, REPORT_FLAGS);
  if (flags.help) return showHelp(ctx, REPORT_HELP);
  const opts = complete(flags, ctx);
  validate(flags);
  return emit(
    ctx,
    await runReport(opts, { stdin: ctx.stdin, logger: ctx.makeLogger(flags["log-level"]), now: ctx.now }),
  );
}

/** Flags and the environment → the worker's options; the shared pieces refuse bad values and combinations. */
function complete(flags: ReportFlags, ctx: CommandContext): ReportOptions {
  const output = formatOf(flags.output, OUTPUT_FORMATS, "text");
  const sources = sourceOptions(flags);
  const workloads = workloadsSource(flags, sources.live, ctx.env);
  const level = analysisLevel(flags.analysis, ctx.env);
  const cap = maxFlows(flags["max-flows"], ctx.env);
  const rules = rulesFlag(flags);
  return {
    ...sources,
    ...(rules !== undefined ? { rules } : {}),
    analysis: {
      ...analysisSettings(flags, ctx.env),
      ...(level ? { level } : {}),
      ...(cap !== undefined ? { maxFlows: cap } : {}),
    },
    ...(workloads ? { workloads } : {}),
    output,
    outFile: flags.out,
    color: flags["no-color"] ? false : (flags.color ?? ctx.stdoutIsTTY),
  };
}

function validate(flags: ReportFlags): void {
  // No folder the user did not name: a default would compare the cluster with whatever happens to be there.
  if (!flags.desired)
    throw new UsageError("--desired DIR is required: the desired-state folder to compare the cluster with");
}
