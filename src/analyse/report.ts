// The analysis as the drift report needs it: effects for the namespaces with drift, invariants on both sides.
import type { NormalizedPolicy } from "../model/types.js";
import { analyseDrift } from "./index.js";
import type { AnalysisInfo, AnalysisOptions, NamespaceEffect, Violation, Workloads } from "./types.js";

export interface ReportAnalysisInput {
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
  /**
   * Desired policies of namespaces outside the report's scope: not listed live, so they stand in on both
   * sides, which keeps a flow into such a namespace as precise as the desired state allows.
   */
  context: NormalizedPolicy[];
  namespaces: string[];
  workloads?: Workloads;
  options: AnalysisOptions;
}

export function analyseForReport(input: ReportAnalysisInput): { effects: NamespaceEffect[]; violations: Violation[]; analysis: AnalysisInfo } {
  const both = analyseDrift({
    desired: [...input.desired, ...input.context],
    live: [...input.live, ...input.context],
    namespaces: input.namespaces,
    workloads: input.workloads,
    options: input.options,
  });
  const inScope = new Set([...input.desired, ...input.live].map((p) => p.namespace));
  const violations = both.violations.filter((v) => inScope.has(v.namespace));
  return { effects: both.effects, violations, analysis: both.info };
}
