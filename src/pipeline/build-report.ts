import { compare } from "../compare/compare.js";
import { shareInSync } from "../compare/same.js";
import { inScope, type Scope } from "../compare/scope.js";
import type { DesiredState, NormalizedPolicy, NormalizeOptions, Problem, Report } from "../model/types.js";
import { normalizeLive } from "../normalize/live.js";
import { analyseForReport } from "../analyse/report.js";
import { defaultAnalysisOptions, type AnalysisOptions, type Workloads } from "../analyse/types.js";
import { captureScope } from "../sources/live/capture-scope.js";
import type { CaptureFacts } from "../sources/live/types.js";

export interface LiveOutcome {
  /** The full list, normalised as it was read; undefined (with `objects`) when listing failed (then `problem` says why). */
  policies?: NormalizedPolicy[];
  /** The full list still raw (a capture, a test): normalised here. */
  objects?: Record<string, unknown>[];
  problem?: Problem;
  cluster: string;
  origin: string;
  requests: number;
  /** A capture file: what it holds, to tell what it covers. */
  capture?: CaptureFacts;
}

export interface BuildOptions {
  scope: Scope;
  normalize: NormalizeOptions;
  desiredRoot: string;
  /** The clock is an adapter: the caller passes the time. */
  generatedAt: string;
  /**
   * Settings of the traffic analysis and, when read, the workloads; defaults and representatives otherwise.
   * `problems`: reading the settings or the workloads failed. The analysis still runs (on defaults or
   * representatives, which the report's notes say) but the report is incomplete: a verdict asked for on
   * real pods must not pass for one.
   */
  analysis?: { options: AnalysisOptions; workloads?: Workloads; problems?: Problem[] };
}

/** Pure: both sides → the report. A failed live list yields an incomplete report with no verdicts at all. */
export function buildReport(desired: DesiredState, live: LiveOutcome, opts: BuildOptions): Report {
  const desiredPolicies = desired.policies.filter((p) => inScope(p.namespace, opts.scope));
  const problems = desired.problems.filter(
    (p) => !p.namespace || p.namespace === "*" || inScope(p.namespace, opts.scope),
  );
  const inputProblems = opts.analysis?.problems ?? [];
  const scope =
    live.capture && (live.policies || live.objects)
      ? captureScope(
          live.capture,
          opts.scope,
          desiredPolicies.map((p) => p.namespace),
        )
      : undefined;
  const covers = scope?.covers ?? (opts.scope.namespaces.length > 0 ? [...opts.scope.namespaces] : ["*"]);
  const base = {
    skipped: desired.skipped,
    generatedAt: opts.generatedAt,
    cluster: live.cluster,
    sources: {
      desired: opts.desiredRoot,
      live: live.origin,
      requests: live.requests,
      ...(opts.analysis?.workloads ? { workloads: opts.analysis.workloads.origin } : {}),
      liveNamespaces: covers,
    },
    ...(scope && scope.notes.length > 0 ? { notes: scope.notes } : {}),
  };
  const listed = live.policies ?? (live.objects && normalizeLive(live.objects, opts.normalize));
  if (!listed || scope?.problem) {
    return {
      ...base,
      complete: false,
      summary: { desired: desiredPolicies.length, live: 0, inSync: 0, missing: 0, unmanaged: 0, modified: 0 },
      drift: [],
      problems: [
        ...problems,
        ...(live.problem ? [live.problem] : []),
        ...(scope?.problem ? [scope.problem] : []),
        ...inputProblems,
      ],
      withheld: ["*"],
    };
  }
  const livePolicies = shareInSync(
    desiredPolicies,
    listed.filter((p) => inScope(p.namespace, opts.scope)),
  );
  const result = compare(desiredPolicies, livePolicies, problems);
  const analysed = analyseForReport({
    desired: desiredPolicies,
    live: livePolicies,
    context: desired.policies.filter((p) => !inScope(p.namespace, opts.scope)),
    namespaces: [...new Set(result.drift.map((d) => d.namespace))],
    withheld: result.withheld,
    workloads: opts.analysis?.workloads,
    options: opts.analysis?.options ?? defaultAnalysisOptions(),
  });
  const all = [...problems, ...inputProblems];
  if (inputProblems.length > 0)
    analysed.analysis = {
      ...analysed.analysis,
      notes: [
        ...analysed.analysis.notes,
        "the analysis inputs could not all be read (see problems): effects and violations rest on what was read",
      ],
    };
  // `--analysis off`: no effects and no violations in the report, rather than empty lists that read "none".
  const carried = analysed.analysis.level === "off" ? { analysis: analysed.analysis } : analysed;
  return {
    ...base,
    complete: all.length === 0,
    summary: result.summary,
    drift: result.drift,
    problems: all,
    withheld: result.withheld,
    ...carried,
  };
}

export { normalizeLive };

/** kubectl diff's convention: 0 nothing drifted, 1 drift, 2 error or incomplete. */
export function exitCodeOf(report: Report): 0 | 1 | 2 {
  if (!report.complete) return 2;
  return report.drift.length > 0 ? 1 : 0;
}
