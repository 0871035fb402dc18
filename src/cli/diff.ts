import { parseArgs } from "node:util";
import { UsageError } from "../model/errors.js";
import { DEFAULT_IGNORED_LABELS } from "../model/types.js";
import { FAIL_ON, type FailOn } from "../pipeline/build-diff.js";
import { runDiff } from "../pipeline/diff.js";
import { DIFF_FORMATS, type DiffFormat } from "../render/diff.js";
import { ANALYSIS_FLAGS, ANALYSIS_HELP, analysisOptions } from "./analysis-flags.js";
import type { CommandContext } from "./context.js";

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
Output:
  -o, --output FORMAT           text (default), json, markdown (a PR/MR comment: severe first, within
                                GitHub's comment limit), sarif (new violations at the head's file and line),
                                junit
  --out FILE                    write to FILE instead of stdout
  --fail-on WHAT                what exits 1: any (default: any effect on traffic or a new violation),
                                widens (flows opened), violation (a new baseline violation)

Exit codes: 0 no effect on traffic (a rename or reorder with the same effect is none), 1 an effect (narrowed
by --fail-on), 2 error: a side could not be read whole, bad flags.`;

export async function diffCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...ANALYSIS_FLAGS,
      base: { type: "string" },
      head: { type: "string" },
      desired: { type: "string" },
      repo: { type: "string" },
      "default-namespace": { type: "string" },
      output: { type: "string", short: "o" },
      out: { type: "string" },
      "fail-on": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    ctx.stdout.write(DIFF_HELP + "\n");
    return 0;
  }
  if (!values.base || !values.head) throw new UsageError("diff needs both --base and --head");
  const output = (values.output ?? "text") as DiffFormat;
  if (!DIFF_FORMATS.includes(output))
    throw new UsageError(`-o must be one of ${DIFF_FORMATS.join(", ")}, got "${values.output}"`);
  const failOn = (values["fail-on"] ?? "any") as FailOn;
  if (!FAIL_ON.includes(failOn))
    throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}, got "${values["fail-on"]}"`);
  return runDiff(
    {
      base: values.base,
      head: values.head,
      desired: values.desired ?? ".",
      repo: values.repo ?? ".",
      defaultNamespace: values["default-namespace"],
      normalize: { ignoreLabels: [...DEFAULT_IGNORED_LABELS], compareAnnotations: [] },
      analysis: await analysisOptions(values, ctx.env),
      output,
      outFile: values.out,
      failOn,
    },
    { stdout: ctx.stdout },
  );
}
