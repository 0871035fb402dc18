// `netpol-drift eval`: one connection against the desired folder or a live capture, with workloads when given.
import { EvalInputError, type EvalQuery, evaluate } from "../analyse/eval.js";
import { normalizeAll, type Normalizer, normalizerFor } from "../core/normalizer.js";
import type { Logger } from "../log/logger.js";
import { UsageError } from "../model/errors.js";
import type { WorkerResult } from "../model/outcome.js";
import type { AnalysisSettings, WorkloadsSource } from "../model/sources.js";
import type { NormalizedPolicy, NormalizeOptions } from "../model/types.js";
import { type EvalFormat, renderEval } from "../render/eval.js";
import { loadDesiredWith } from "../sources/desired/index.js";
import { readLiveFile } from "../sources/live/file.js";
import { readWorkloads } from "../sources/workloads/index.js";
import { readAnalysisOptions } from "./inputs.js";

export interface EvalOptions {
  policies: { kind: "desired"; dir: string; defaultNamespace?: string } | { kind: "live-file"; file: string };
  workloads?: WorkloadsSource;
  query: EvalQuery;
  normalize: NormalizeOptions;
  analysis: AnalysisSettings;
  output: EvalFormat;
}

export interface EvalIO {
  stdin?: NodeJS.ReadableStream;
  logger: Logger;
}

/** As `kubectl auth can-i`: allowed is clean, denied a finding; inputs that cannot be read are thrown. */
export async function runEval(opts: EvalOptions, io: EvalIO): Promise<WorkerResult> {
  const normalize = normalizerFor(opts.normalize);
  const [policies, workloads, options] = await Promise.all([
    loadPolicies(opts, io, normalize),
    opts.workloads ? readWorkloads(opts.workloads, io) : undefined,
    readAnalysisOptions(opts.analysis),
  ]);
  let result: ReturnType<typeof evaluate>;
  try {
    result = evaluate(policies, workloads, opts.query, options);
  } catch (err) {
    // A query that names no endpoint the policies could govern is the command line's mistake.
    if (err instanceof EvalInputError) throw new UsageError(err.message);
    throw err;
  }
  return { outcome: result.allowed ? "clean" : "findings", stdout: renderEval(result, opts.output) };
}

async function loadPolicies(opts: EvalOptions, io: EvalIO, normalize: Normalizer): Promise<NormalizedPolicy[]> {
  if (opts.policies.kind === "live-file")
    return normalizeAll((await readLiveFile(opts.policies.file, io.stdin)).objects, normalize);
  const desired = await loadDesiredWith(opts.policies.dir, normalize, {
    defaultNamespace: opts.policies.defaultNamespace,
  });
  // The answer still comes, but a file that failed to load may hold a policy that would change it.
  for (const p of desired.problems)
    io.logger.warn(
      { problem: { ...p, severity: "warning" } },
      "desired state incomplete: the verdict may miss a policy",
    );
  return desired.policies;
}
