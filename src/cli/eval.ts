import { UsageError } from "../model/errors.js";
import type { Outcome } from "../model/outcome.js";
import { defaultNormalizeOptions, type Protocol } from "../model/types.js";
import { EVAL_FORMATS } from "../render/eval.js";
import { type EvalOptions, runEval } from "../workers/eval.js";
import {
  ANALYSIS_FLAGS,
  ANALYSIS_HELP,
  analysisSettings,
  WORKLOADS_FLAGS,
  WORKLOADS_HELP,
  workloadsSource,
} from "./analysis-flags.js";
import type { CommandContext } from "./context.js";
import { emit, type FlagValues, formatOf, parseFlags, showHelp } from "./flags.js";
import { liveSource } from "./source-flags.js";

export const EVAL_HELP = `netpol-drift eval — is one connection allowed, and which policies and rules decide it

Usage: netpol-drift eval (--desired DIR | --live-file FILE) [--workloads FILE | --resolve-workloads]
                         --from SRC --to DST --port N [--protocol TCP|UDP|SCTP] [-o text|json]

  --desired DIR                 evaluate the desired-state folder
  --default-namespace NS        namespace for files at the desired folder root that name none
  --live-file FILE|-            evaluate a \`kubectl get netpol -A -o json|yaml\` capture
${WORKLOADS_HELP}
  --kubeconfig FILE, --context NAME, --page-size N   for --resolve-workloads
  --from SRC, --to DST          namespace/pod, an IP address, or (without workloads) namespace/k=v,k2=v2
  --port N                      destination port (1-65535)
  --protocol P                  TCP (default), UDP or SCTP
  -o, --output FORMAT           text (default) or json: {"allowed": bool, "egress": {…}, "ingress": {…}}
${ANALYSIS_HELP}

Exit codes (as \`kubectl auth can-i\`): 0 allowed, 1 denied, 2 error.`;

const EVAL_FLAGS = {
  ...ANALYSIS_FLAGS,
  ...WORKLOADS_FLAGS,
  desired: { type: "string" },
  "default-namespace": { type: "string" },
  "live-file": { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "page-size": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  port: { type: "string" },
  protocol: { type: "string" },
  output: { type: "string", short: "o" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type EvalFlags = FlagValues<typeof EVAL_FLAGS>;

export async function evalCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  const flags = parseFlags(args, EVAL_FLAGS);
  if (flags.help) return showHelp(ctx, EVAL_HELP);
  validate(flags);
  const opts = complete(flags, ctx);
  return emit(ctx, await runEval(opts, { stdin: ctx.stdin, logger: ctx.makeLogger(flags["log-level"]) }));
}

function validate(flags: EvalFlags): void {
  if (Boolean(flags.desired) === Boolean(flags["live-file"]))
    throw new UsageError("pass exactly one of --desired DIR and --live-file FILE");
  if (!flags.from || !flags.to || !flags.port) throw new UsageError("--from, --to and --port are required");
}

/**
 * The live side and the workloads go through the same pieces as `report`'s (source-flags, analysis-flags), so
 * eval refuses what report refuses: a capture with --resolve-workloads, both on stdin, a page size out of range.
 */
function complete(flags: EvalFlags, ctx: CommandContext): EvalOptions {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port must be a whole number from 1 to 65535, got "${flags.port}"`);
  const protocol = (flags.protocol ?? "TCP").toUpperCase() as Protocol;
  if (!["TCP", "UDP", "SCTP"].includes(protocol))
    throw new UsageError(`--protocol must be TCP, UDP or SCTP, got "${flags.protocol}"`);
  const output = formatOf(flags.output, EVAL_FORMATS, "text");
  // The cluster eval may ask is the one workloads are resolved from; a capture stands for no cluster.
  const live = liveSource(flags);
  const workloads = workloadsSource(flags, live);
  return {
    policies: flags.desired
      ? { kind: "desired", dir: flags.desired, defaultNamespace: flags["default-namespace"] }
      : { kind: "live-file", file: flags["live-file"] as string },
    ...(workloads ? { workloads } : {}),
    query: { from: flags.from as string, to: flags.to as string, port, protocol },
    normalize: defaultNormalizeOptions(),
    analysis: analysisSettings(flags, ctx.env),
    output,
  };
}
