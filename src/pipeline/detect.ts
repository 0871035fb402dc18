import { defaultAnalysisOptions, type AnalysisOptions, type Workloads } from "../analyse/types.js";
import { LiveSourceError, ValuesFileError } from "../model/errors.js";
import type { DesiredState, NormalizeOptions, Problem, Report } from "../model/types.js";
import type { Scope } from "../compare/scope.js";
import type { LiveList, LivePolicies } from "../sources/live/types.js";
import { buildReport, type BuildOptions, type LiveOutcome } from "./build-report.js";

/** The adapters detection needs; the CLI and the nightly run wire real ones, tests may wire others. */
export interface DetectDeps {
  loadDesired: () => Promise<DesiredState>;
  /** Normalised as listed (bounded memory), or raw objects that buildReport normalises. */
  listLive: () => Promise<LivePolicies | LiveList>;
  now: () => Date;
  /** The analysis settings (the nightly run reads the Helm values from its clone here); absent = defaults. */
  loadAnalysisOptions?: () => Promise<AnalysisOptions>;
  /** Namespaces and pods for the analysis; absent = representatives. */
  loadWorkloads?: () => Promise<Workloads>;
  /**
   * "live-first": read the whole live side before the desired one. For a capture file, where nothing is
   * waited for and overlapping only stacks the two peaks of memory. Default: both at once.
   */
  order?: "together" | "live-first";
}

export interface DetectOptions {
  scope: Scope;
  normalize: NormalizeOptions;
  desiredRoot: string;
  /** Name for the report when the live source does not give a better one. */
  clusterName?: string;
}

/**
 * sources → normalize → compare → analyse → report. Read-only: nothing here writes to the cluster. The
 * desired folder is read while the live list is in flight: the list waits on the API server, the load on
 * the disk and the CPU.
 */
export async function detect(deps: DetectDeps, opts: DetectOptions): Promise<Report> {
  const listed = listSafely(deps.listLive);
  const desiredLoad = deps.order === "live-first" ? listed.then(() => deps.loadDesired()) : deps.loadDesired();
  const [desired, live, analysis] = await Promise.all([desiredLoad, listed, analysisInputs(deps)]);
  if (opts.clusterName) live.cluster = opts.clusterName;
  return buildReport(desired, live, {
    scope: opts.scope,
    normalize: opts.normalize,
    desiredRoot: opts.desiredRoot,
    generatedAt: deps.now().toISOString(),
    analysis,
  });
}

async function listSafely(listLive: DetectDeps["listLive"]): Promise<LiveOutcome> {
  try {
    return await listLive();
  } catch (err) {
    if (!(err instanceof LiveSourceError)) throw err;
    return { cluster: "", origin: err.call, requests: 0, problem: { call: err.call, message: err.detail } };
  }
}

/** Settings and workloads; a failure to read either becomes a problem of the report, never a silent default. */
async function analysisInputs(deps: DetectDeps): Promise<NonNullable<BuildOptions["analysis"]>> {
  const problems: Problem[] = [];
  const [options, workloads] = await Promise.all([
    deps.loadAnalysisOptions
      ? deps.loadAnalysisOptions().catch((err: unknown) => {
          if (!(err instanceof ValuesFileError)) throw err;
          problems.push({ file: err.file, message: `${err.detail} (${err.setting})` });
          return defaultAnalysisOptions();
        })
      : defaultAnalysisOptions(),
    deps.loadWorkloads
      ? deps.loadWorkloads().catch((err: unknown) => {
          if (!(err instanceof LiveSourceError)) throw err;
          problems.push({ call: err.call, message: err.detail });
          return undefined;
        })
      : undefined,
  ]);
  return { options, ...(workloads ? { workloads } : {}), ...(problems.length > 0 ? { problems } : {}) };
}
