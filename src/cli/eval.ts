import { parseArgs } from "node:util";
import { UsageError } from "../model/errors.js";
import { DEFAULT_IGNORED_LABELS, type Protocol } from "../model/types.js";
import { runEval } from "../pipeline/eval.js";
import { ANALYSIS_FLAGS, ANALYSIS_HELP, analysisOptions, WORKLOADS_FLAGS, WORKLOADS_HELP } from "./analysis-flags.js";
import type { CommandContext } from "./context.js";

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

export async function evalCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
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
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    ctx.stdout.write(EVAL_HELP + "\n");
    return 0;
  }
  if (Boolean(values.desired) === Boolean(values["live-file"]))
    throw new UsageError("pass exactly one of --desired DIR and --live-file FILE");
  if (values.workloads && values["resolve-workloads"])
    throw new UsageError("--workloads and --resolve-workloads are two sources of workloads: pass one");
  if (!values.from || !values.to || !values.port) throw new UsageError("--from, --to and --port are required");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port must be a whole number from 1 to 65535, got "${values.port}"`);
  const protocol = (values.protocol ?? "TCP").toUpperCase() as Protocol;
  if (!["TCP", "UDP", "SCTP"].includes(protocol))
    throw new UsageError(`--protocol must be TCP, UDP or SCTP, got "${values.protocol}"`);
  const output = values.output ?? "text";
  if (output !== "text" && output !== "json") throw new UsageError(`-o must be text or json, got "${output}"`);
  const pageSize = values["page-size"] === undefined ? 500 : Number(values["page-size"]);
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new UsageError(`--page-size must be a positive whole number, got "${values["page-size"]}"`);
  return runEval(
    {
      policies: values.desired
        ? { kind: "desired", dir: values.desired, defaultNamespace: values["default-namespace"] }
        : { kind: "live-file", file: values["live-file"]! },
      workloads: values.workloads
        ? { kind: "file", file: values.workloads }
        : values["resolve-workloads"]
          ? { kind: "cluster", kubeconfig: values.kubeconfig, context: values.context, pageSize }
          : undefined,
      query: { from: values.from, to: values.to, port, protocol },
      normalize: { ignoreLabels: [...DEFAULT_IGNORED_LABELS], compareAnnotations: [] },
      analysis: await analysisOptions(values, ctx.env),
      output,
    },
    { stdout: ctx.stdout, stdin: ctx.stdin, logger: ctx.makeLogger(values["log-level"]) },
  );
}
