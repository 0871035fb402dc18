// `netpol-drift eval`: one connection against the desired folder or a live capture, with workloads when given.
import { evaluate, EvalInputError, type EvalQuery } from "../analyse/eval.js";
import type { AnalysisOptions, Workloads } from "../analyse/types.js";
import type { Logger } from "../log/logger.js";
import { UsageError } from "../model/errors.js";
import type { NormalizedPolicy, NormalizeOptions } from "../model/types.js";
import { evalText } from "../render/effects.js";
import { loadDesired } from "../sources/desired/index.js";
import { readLiveFile } from "../sources/live/file.js";
import { normalizeLive } from "./build-report.js";
import { readWorkloads, type WorkloadsSource } from "./workloads.js";

export interface EvalOptions {
  policies: { kind: "desired"; dir: string; defaultNamespace?: string } | { kind: "live-file"; file: string };
  workloads?: WorkloadsSource;
  query: EvalQuery;
  normalize: NormalizeOptions;
  analysis: AnalysisOptions;
  output: "text" | "json";
}

/** As `kubectl auth can-i`: 0 allowed, 1 denied; errors are thrown and become 2 in the CLI. */
export async function runEval(
  opts: EvalOptions,
  io: { stdout: NodeJS.WritableStream; stdin?: NodeJS.ReadableStream; logger: Logger },
): Promise<number> {
  const [policies, workloads] = await Promise.all([loadPolicies(opts, io), loadWorkloads(opts, io)]);
  let result: ReturnType<typeof evaluate>;
  try {
    result = evaluate(policies, workloads, opts.query, opts.analysis);
  } catch (err) {
    if (err instanceof EvalInputError) throw new UsageError(err.message);
    throw err;
  }
  io.stdout.write(opts.output === "json" ? JSON.stringify(result, null, 2) + "\n" : evalText(result));
  return result.allowed ? 0 : 1;
}

async function loadPolicies(
  opts: EvalOptions,
  io: { stdin?: NodeJS.ReadableStream; logger: Logger },
): Promise<NormalizedPolicy[]> {
  if (opts.policies.kind === "live-file")
    return normalizeLive((await readLiveFile(opts.policies.file, io.stdin)).objects, opts.normalize);
  const desired = await loadDesired(opts.policies.dir, {
    defaultNamespace: opts.policies.defaultNamespace,
    normalize: opts.normalize,
  });
  // The answer still comes, but a file that failed to load may hold a policy that would change it.
  for (const p of desired.problems)
    io.logger.warn({ problem: p }, "desired state incomplete: the verdict may miss a policy");
  return desired.policies;
}

async function loadWorkloads(
  opts: EvalOptions,
  io: { stdin?: NodeJS.ReadableStream; logger: Logger },
): Promise<Workloads | undefined> {
  return opts.workloads ? readWorkloads(opts.workloads, io) : undefined;
}
