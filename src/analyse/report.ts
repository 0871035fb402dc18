// The analysis as the drift report needs it: effects for the namespaces with drift, invariants on both sides.
// core/detect (report, run) and core/diff call analyseForReport; `check` calls checkInvariants, `eval` evaluate.
import type { NormalizedPolicy } from "../model/types.js";
import { computeEffects, infoOf } from "./effects.js";
import { checkInvariants, type InvariantMemo } from "./invariants.js";
import { NAME_LABEL } from "./universe.js";
import type { AnalysisInfo, NamespaceEffect, Violation } from "../model/analysis.js";
import { DEFAULT_MAX_FLOWS, type AnalysisOptions } from "./types.js";
import type { Workloads } from "../model/workloads.js";

export interface ReportAnalysisInput {
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
  /**
   * Desired policies of namespaces outside the report's scope: not listed live, so they stand in on both
   * sides, which keeps a flow into such a namespace as precise as the desired state allows.
   */
  context: NormalizedPolicy[];
  namespaces: string[];
  /**
   * The report's withheld verdicts: namespaces ("ns"), policies ("ns/name") or everything ("*") whose desired
   * state is uncertain. Live policies there that the desired side lacks stand in on the desired side too, so a
   * file that failed to load does not show up as a phantom effect elsewhere.
   */
  withheld?: string[];
  workloads?: Workloads;
  options: AnalysisOptions;
}

/** With `level: "off"` effects and violations are empty and `analysis.level` says they were not computed. */
export function analyseForReport(input: ReportAnalysisInput): {
  effects: NamespaceEffect[];
  violations: Violation[];
  analysis: AnalysisInfo;
} {
  const level = input.options.level ?? "full";
  if (level === "off") {
    const info = infoOf({ mode: input.workloads ? "capture" : "representative" }, input.options.ipBlockMatchesPods);
    return {
      effects: [],
      violations: [],
      analysis: {
        ...info,
        level,
        notes: [
          "traffic analysis off (--analysis off / NETPOL_DRIFT_ANALYSIS=off): drift only, no effects and no invariants",
        ],
      },
    };
  }
  const withheld = new Set(input.withheld ?? []);
  const uncertain = (p: NormalizedPolicy) =>
    withheld.has("*") || withheld.has(p.namespace) || withheld.has(`${p.namespace}/${p.name}`);
  // A live policy the report withheld a verdict on may be declared in the file that failed: assume it is.
  const declared = new Set(input.desired.map((p) => `${p.namespace}/${p.name}`));
  const desired = [
    ...input.desired,
    ...input.live.filter((p) => uncertain(p) && !declared.has(`${p.namespace}/${p.name}`)),
  ];
  const { effects, info } = computeEffects({
    desired: [...desired, ...input.context],
    live: [...input.live, ...input.context],
    namespaces: input.namespaces,
    workloads: input.workloads,
    options: input.options,
    // Summary carries no flow: each namespace's are counted and dropped as soon as they are computed.
    maxFlows: level === "summary" ? 0 : flowLimit(input.options.maxFlows),
  });
  // Invariants judge each side as it is, in scope only: the desired side's own policies, uncertain or not.
  const nsLabels = input.workloads ? namespaceLabels(input.workloads) : undefined;
  const memo: InvariantMemo = new Map();
  const violations = [
    ...checkInvariants({ policies: input.desired, side: "desired", options: input.options, nsLabels, memo }),
    ...checkInvariants({ policies: input.live, side: "live", options: input.options, nsLabels, memo }),
  ];
  if (level === "summary") {
    // Kinds and counts only: the flows are computed (the kind rests on them) but not carried.
    const counted = effects.map(
      (e): NamespaceEffect => ({
        namespace: e.namespace,
        effect: e.effect,
        opened: [],
        closed: [],
        counts: e.counts ?? { opened: 0, closed: 0 },
        notListed: "summary",
      }),
    );
    const { flowCap: _none, ...rest } = info;
    return {
      effects: counted,
      violations,
      analysis: {
        ...rest,
        level,
        notes: [
          ...info.notes,
          "--analysis summary: effect kinds and flow counts only; --analysis full lists the flows",
        ],
      },
    };
  }
  const cap = info.flowCap;
  if (!cap) return { effects, violations, analysis: info };
  const note = `flow cap: ${cap.namespaces} ${cap.namespaces === 1 ? "namespace lists" : "namespaces list"} flow counts only, ${cap.flows} flows not listed (at most ${cap.limit} are carried, most severe namespaces first, so the report fits in memory); --max-flows 0 or NETPOL_DRIFT_MAX_FLOWS=0 lists every flow`;
  return { effects, violations, analysis: { ...info, notes: [...info.notes, note] } };
}

/** 0 = no cap. */
function flowLimit(setting: number | undefined): number {
  if (setting === undefined) return DEFAULT_MAX_FLOWS;
  return setting === 0 ? Infinity : setting;
}

/** Each namespace's labels as selectors see them: with the name label the API server sets on every namespace. */
function namespaceLabels(w: Workloads): Map<string, Record<string, string>> {
  return new Map(w.namespaces.map((n) => [n.name, { ...n.labels, [NAME_LABEL]: n.name }]));
}
