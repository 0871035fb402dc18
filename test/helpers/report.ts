// A Report built by the real core (compare → analyse) from a desired state already through the normaliser and
// a live side as a source hands it over: the shape the renderer and analysis tests build their inputs in.
import type { AnalysisOptions } from "../../src/analyse/types.js";
import type { Scope } from "../../src/compare/scope.js";
import { reportOf } from "../../src/core/detect.js";
import { normalizerFor } from "../../src/core/normalizer.js";
import type { LiveInput } from "../../src/model/sources.js";
import type { DesiredState, NormalizedPolicy, NormalizeOptions, Problem, Report } from "../../src/model/types.js";
import type { Workloads } from "../../src/model/workloads.js";

export interface TestLive {
  /** Normalised as listed, or raw (normalised here), or neither with `problem` (the list failed). */
  policies?: NormalizedPolicy[];
  objects?: Record<string, unknown>[];
  problem?: Problem;
  cluster: string;
  origin: string;
  requests: number;
}

export function buildReport(
  desired: DesiredState,
  live: TestLive,
  opts: {
    scope: Scope;
    normalize: NormalizeOptions;
    desiredRoot: string;
    generatedAt: string;
    analysis?: { options: AnalysisOptions; workloads?: Workloads; problems?: Problem[] };
  },
): Report {
  const side: LiveInput = live.problem
    ? { problem: live.problem, origin: live.origin, cluster: live.cluster }
    : live.policies
      ? { policies: live.policies, cluster: live.cluster, origin: live.origin, requests: live.requests }
      : { objects: live.objects ?? [], cluster: live.cluster, origin: live.origin, requests: live.requests };
  return reportOf(desired, {
    live: side,
    ...(opts.analysis ? { analysis: opts.analysis } : {}),
    scope: opts.scope,
    normalize: normalizerFor(opts.normalize),
    naming: { desired: opts.desiredRoot, generatedAt: opts.generatedAt },
  });
}
