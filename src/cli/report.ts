import { parseArgs } from "node:util";
import { UsageError } from "../model/errors.js";
import { runReport } from "../pipeline/report.js";
import { OUTPUT_FORMATS, type OutputFormat } from "../render/index.js";
import {
  ANALYSIS_FLAGS,
  ANALYSIS_HELP,
  analysisLevel,
  analysisSettings,
  LEVEL_FLAGS,
  LEVEL_HELP,
  WORKLOADS_FLAGS,
  WORKLOADS_HELP,
  workloadsSource,
} from "./analysis-flags.js";
import type { CommandContext } from "./context.js";
import { SOURCE_FLAGS, SOURCE_HELP, sourceOptions } from "./source-flags.js";

export const REPORT_HELP = `netpol-drift report — what drifted between the desired folder and the live NetworkPolicies

Usage: netpol-drift report --desired DIR [--kubeconfig FILE | --live-file FILE] [-o text|json|markdown] [--out FILE]
                           [--workloads FILE | --resolve-workloads] [--values FILE] [analysis flags]

${SOURCE_HELP}
${ANALYSIS_HELP}
${LEVEL_HELP}
${WORKLOADS_HELP}
Output:
  -o, --output FORMAT           text (default), json, markdown
  --out FILE                    write the report to FILE instead of stdout
  --color / --no-color          colour in text output (default: when stdout is a terminal)

Exit codes: 0 no drift, 1 drift, 2 error or incomplete (a file that failed to parse, a failed list, workloads or
--values that could not be read).`;

export async function reportCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...SOURCE_FLAGS,
      ...ANALYSIS_FLAGS,
      ...LEVEL_FLAGS,
      ...WORKLOADS_FLAGS,
      output: { type: "string", short: "o" },
      out: { type: "string" },
      color: { type: "boolean" },
      "no-color": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    ctx.stdout.write(REPORT_HELP + "\n");
    return 0;
  }
  const output = (values.output ?? "text") as OutputFormat;
  if (!OUTPUT_FORMATS.includes(output))
    throw new UsageError(`-o must be one of ${OUTPUT_FORMATS.join(", ")}, got "${values.output}"`);
  const color = values["no-color"] ? false : (values.color ?? ctx.stdoutIsTTY);
  const logger = ctx.makeLogger(values["log-level"]);
  const sources = sourceOptions(values);
  const workloads = workloadsSource(values, sources.live, ctx.env);
  // No folder the user did not name: a default would compare the cluster with whatever happens to be there.
  if (!values.desired)
    throw new UsageError("--desired DIR is required: the desired-state folder to compare the cluster with");
  const level = analysisLevel(values.analysis, ctx.env);
  return runReport(
    {
      ...sources,
      analysis: { ...analysisSettings(values, ctx.env), ...(level ? { level } : {}) },
      ...(workloads ? { workloads } : {}),
      output,
      outFile: values.out,
      color,
    },
    { stdout: ctx.stdout, stdin: ctx.stdin, logger, now: ctx.now },
  );
}
