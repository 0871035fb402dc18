// `netpol-drift check`: the baseline invariants on the desired state alone, for the policy repository's CI.
import { defaultAnalysisOptions } from "../analyse/types.js";
import { checkDesired, checkOutcome } from "../core/check.js";
import { normalizerFor } from "../core/normalizer.js";
import { SourceError } from "../model/errors.js";
import type { WorkerResult } from "../model/outcome.js";
import type { AnalysisSettings } from "../model/sources.js";
import type { NormalizeOptions, Problem } from "../model/types.js";
import { type CheckFormat, renderCheck } from "../render/check.js";
import { writeAtomically } from "../sinks/file.js";
import { loadDesiredWith } from "../sources/desired/index.js";
import { rulesFor } from "../rules/load.js";
import { readAnalysisOptions } from "./inputs.js";

export interface CheckOptions {
  desired: string;
  defaultNamespace?: string;
  normalize: NormalizeOptions;
  analysis: AnalysisSettings;
  output: CheckFormat;
  outFile?: string;
  /** The rules file: a path, none (false), or the default at the repository root (undefined). */
  rules?: string | false;
}

export async function runCheck(opts: CheckOptions, now: () => Date = () => new Date()): Promise<WorkerResult> {
  const problems: Problem[] = [];
  const [desired, options, rules] = await Promise.all([
    loadDesiredWith(opts.desired, normalizerFor(opts.normalize), { defaultNamespace: opts.defaultNamespace }),
    // A values file that cannot be read is a problem of the result, as in `report`: judged on the defaults, exit 2.
    readAnalysisOptions(opts.analysis).catch((err: unknown) => {
      if (!(err instanceof SourceError)) throw err;
      problems.push(err.problem);
      return defaultAnalysisOptions();
    }),
    // Named from the desired root, as every file of check's output is.
    rulesFor(opts.desired, opts.rules, { relativeTo: opts.desired }),
  ]);
  const result = checkDesired(desired, options, opts.desired, problems, { ...rules, now: now() });
  const text = renderCheck(result, opts.output);
  if (opts.outFile) await writeAtomically(opts.outFile, text);
  return { outcome: checkOutcome(result), stdout: opts.outFile ? "" : text };
}
