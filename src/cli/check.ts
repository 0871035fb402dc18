import { parseArgs } from "node:util";
import { UsageError } from "../model/errors.js";
import { DEFAULT_IGNORED_LABELS } from "../model/types.js";
import { CHECK_FORMATS, runCheck, type CheckFormat } from "../pipeline/check.js";
import { ANALYSIS_FLAGS, ANALYSIS_HELP, analysisOptions } from "./analysis-flags.js";
import type { CommandContext } from "./context.js";

export const CHECK_HELP = `netpol-drift check — the baseline invariants on the desired state alone (for the policy repo's CI)

Usage: netpol-drift check --desired DIR [--values FILE] [-o text|json|junit|sarif] [--out FILE]

Invariants: every namespace has a default deny for ingress and egress; default egress allows DNS (UDP and TCP
53 to kube-dns) and nothing else; no policy in one tenant's namespace allows traffic from or to another
tenant; external egress only to allow-listed CIDRs; air-gapped tenants have no external egress.

  --desired DIR                 desired-state folder (required)
  --default-namespace NS        namespace for files at the folder root that name none
${ANALYSIS_HELP}
Output:
  -o, --output FORMAT           text (default), json, junit (JUnit XML), sarif (SARIF 2.1.0)
  --out FILE                    write to FILE instead of stdout

Exit codes: 0 clean, 1 violations, 2 error (a file that failed to parse, bad flags).`;

export async function checkCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...ANALYSIS_FLAGS,
      desired: { type: "string" },
      "default-namespace": { type: "string" },
      output: { type: "string", short: "o" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    ctx.stdout.write(CHECK_HELP + "\n");
    return 0;
  }
  if (!values.desired) throw new UsageError("--desired DIR is required: the desired-state folder to check");
  const output = (values.output ?? "text") as CheckFormat;
  if (!CHECK_FORMATS.includes(output))
    throw new UsageError(`-o must be one of ${CHECK_FORMATS.join(", ")}, got "${values.output}"`);
  return runCheck(
    {
      desired: values.desired,
      defaultNamespace: values["default-namespace"],
      normalize: { ignoreLabels: [...DEFAULT_IGNORED_LABELS], compareAnnotations: [] },
      analysis: await analysisOptions(values, ctx.env),
      output,
      outFile: values.out,
    },
    { stdout: ctx.stdout },
  );
}
