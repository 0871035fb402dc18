// The analysis stage: pure functions over normalised policies. build-report calls analyseDrift; `check`
// calls checkInvariants; `eval` calls evaluate.
import type { NormalizedPolicy } from "../model/types.js";
import { computeEffects } from "./effects.js";
import { checkInvariants } from "./invariants.js";
import { NAME_LABEL } from "./universe.js";
import type { AnalysisInfo, AnalysisOptions, NamespaceEffect, Violation, Workloads } from "./types.js";

export interface DriftAnalysisInput {
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
  /** Namespaces with drift. */
  namespaces: string[];
  workloads?: Workloads;
  options: AnalysisOptions;
}

export interface DriftAnalysis {
  effects: NamespaceEffect[];
  violations: Violation[];
  info: AnalysisInfo;
}

export function analyseDrift(input: DriftAnalysisInput): DriftAnalysis {
  const { effects, info } = computeEffects(input);
  const nsLabels = input.workloads ? namespaceLabels(input.workloads) : undefined;
  const violations = [
    ...checkInvariants({ policies: input.desired, side: "desired", options: input.options, nsLabels }),
    ...checkInvariants({ policies: input.live, side: "live", options: input.options, nsLabels }),
  ];
  return { effects, violations, info };
}

export function namespaceLabels(w: Workloads): Map<string, Record<string, string>> {
  return new Map(w.namespaces.map((n) => [n.name, { ...n.labels, [NAME_LABEL]: n.name }]));
}

export { checkInvariants } from "./invariants.js";
export { computeEffects } from "./effects.js";
export { evaluate, EvalInputError, type EvalQuery } from "./eval.js";
export { tenantOf } from "./tenants.js";
export * from "./types.js";
