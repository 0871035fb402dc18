import { UsageError } from "../model/errors.js";
import type { Outcome } from "../model/outcome.js";
import { defaultNormalizeOptions } from "../model/types.js";
import { CHECK_FORMATS } from "../render/check.js";
import { type CheckOptions, runCheck } from "../workers/check.js";
import { ANALYSIS_FLAGS, ANALYSIS_HELP, analysisSettings } from "./analysis-flags.js";
import type { CommandContext } from "./context.js";
import { RULES_FLAGS, RULES_HELP, rulesFlag } from "./rules-flags.js";
import { emit, type FlagValues, formatOf, parseFlags, showHelp } from "./flags.js";

export const CHECK_HELP = `netpol-drift check — the baseline invariants on the desired state alone (for the policy repo's CI)

Usage: netpol-drift check --desired DIR [--values FILE] [-o text|json|junit|sarif] [--out FILE]

Invariants: every namespace has a default deny for ingress and egress; default egress allows DNS (UDP and TCP
53 to kube-dns) and nothing else; no policy in one tenant's namespace allows traffic from or to another
tenant; external egress only to allow-listed CIDRs; air-gapped tenants have no external egress.

  --desired DIR                 desired-state folder (required)
  --default-namespace NS        namespace for files at the folder root that name none
${ANALYSIS_HELP}
${RULES_HELP}
                                (check lists its expired and soon-ending waivers, and those matching no policy)
Output:
  -o, --output FORMAT           text (default), json, junit (JUnit XML), sarif (SARIF 2.1.0)
  --out FILE                    write to FILE instead of stdout

Exit codes: 0 clean, 1 violations, 2 error (a file that failed to parse, the rules file among them, bad flags).`;

const CHECK_FLAGS = {
  ...ANALYSIS_FLAGS,
  ...RULES_FLAGS,
  desired: { type: "string" },
  "default-namespace": { type: "string" },
  output: { type: "string", short: "o" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type CheckFlags = FlagValues<typeof CHECK_FLAGS>;

export async function checkCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  const flags = parseFlags(args, CHECK_FLAGS);
  if (flags.help) return showHelp(ctx, CHECK_HELP);
  validate(flags);
  return emit(ctx, await runCheck(complete(flags, ctx), ctx.now));
}

function validate(flags: CheckFlags): void {
  if (!flags.desired) throw new UsageError("--desired DIR is required: the desired-state folder to check");
}

function complete(flags: CheckFlags, ctx: CommandContext): CheckOptions {
  const output = formatOf(flags.output, CHECK_FORMATS, "text");
  const rules = rulesFlag(flags);
  return {
    ...(rules !== undefined ? { rules } : {}),
    desired: flags.desired as string,
    defaultNamespace: flags["default-namespace"],
    normalize: defaultNormalizeOptions(),
    analysis: analysisSettings(flags, ctx.env),
    output,
    outFile: flags.out,
  };
}
