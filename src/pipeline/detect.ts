import { LiveSourceError } from "../model/errors.js";
import type { DesiredState, NormalizeOptions, Report } from "../model/types.js";
import type { Scope } from "../compare/scope.js";
import type { LiveList } from "../sources/live/types.js";
import { buildReport, type LiveOutcome } from "./build-report.js";

/** The adapters detection needs; the CLI and the nightly run wire real ones, tests may wire others. */
export interface DetectDeps {
  loadDesired: () => Promise<DesiredState>;
  listLive: () => Promise<LiveList>;
  now: () => Date;
}

export interface DetectOptions {
  scope: Scope;
  normalize: NormalizeOptions;
  desiredRoot: string;
  /** Name for the report when the live source does not give a better one. */
  clusterName?: string;
}

/** sources → normalize → compare → report. Read-only: nothing here writes to the cluster. */
export async function detect(deps: DetectDeps, opts: DetectOptions): Promise<Report> {
  const [desired, live] = await Promise.all([deps.loadDesired(), listSafely(deps.listLive)]);
  if (opts.clusterName) live.cluster = opts.clusterName;
  return buildReport(desired, live, {
    scope: opts.scope,
    normalize: opts.normalize,
    desiredRoot: opts.desiredRoot,
    generatedAt: deps.now().toISOString(),
  });
}

async function listSafely(listLive: () => Promise<LiveList>): Promise<LiveOutcome> {
  try {
    return await listLive();
  } catch (err) {
    if (!(err instanceof LiveSourceError)) throw err;
    return { cluster: "", origin: err.call, requests: 0, problem: { call: err.call, message: err.detail } };
  }
}
