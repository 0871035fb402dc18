// The analysis stage: pure functions over normalised policies. build-report calls analyseForReport
// (report.ts); `check` calls checkInvariants; `eval` calls evaluate.
import { NAME_LABEL } from "./universe.js";
import type { Workloads } from "./types.js";

export function namespaceLabels(w: Workloads): Map<string, Record<string, string>> {
  return new Map(w.namespaces.map((n) => [n.name, { ...n.labels, [NAME_LABEL]: n.name }]));
}

export { checkInvariants } from "./invariants.js";
export { computeEffects } from "./effects.js";
export { evaluate, EvalInputError, type EvalQuery } from "./eval.js";
export { tenantOf } from "./tenants.js";
export * from "./types.js";
