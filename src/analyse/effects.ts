// The effect of drift on traffic: connectivity allowed live minus allowed by the desired state, and the
// reverse, charged to the drifted namespace whose decision flipped. Exact, and without a per-pair object:
// rows of changed endpoints (row.ts) over interned port sets (port-table.ts), written as sets of endpoints
// (flows.ts). test/unit/analyse/compressed-equivalence.test.ts checks it against a pairwise evaluation.
import type { NormalizedPolicy } from "../model/types.js";
import { FlowCap } from "./flow-cap.js";
import { NamespaceFlows } from "./flows.js";
import { PodIndex } from "./pod-set.js";
import { PortTable } from "./port-table.js";
import { Rows } from "./row.js";
import { compilePolicy } from "./rules.js";
import { Side, type Direction } from "./side.js";
import type { AnalysisInfo, EffectKind, NamespaceEffect } from "../model/analysis.js";
import type { AnalysisOptions } from "./types.js";
import type { Workloads } from "../model/workloads.js";
import { buildUniverse, type Endpoint, type Universe } from "./universe.js";

export interface EffectInput {
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
  /** Namespaces with drift: one effect each. */
  namespaces: string[];
  workloads?: Workloads;
  options: Pick<AnalysisOptions, "ipBlockMatchesPods">;
  /** The most flows carried in all (default: every flow); past it namespaces keep their counts (flow-cap.ts). */
  maxFlows?: number;
}

export function computeEffects(input: EffectInput): { effects: NamespaceEffect[]; info: AnalysisInfo } {
  if (input.namespaces.length === 0) {
    return {
      effects: [],
      info: infoOf({ mode: input.workloads ? "capture" : "representative" }, input.options.ipBlockMatchesPods),
    };
  }
  const universe = buildUniverse([...input.desired, ...input.live], input.workloads, input.options);
  const desired = new Side(input.desired.map(compilePolicy), universe, input.options);
  const live = new Side(input.live.map(compilePolicy), universe, input.options);
  const table = new PortTable(universe.mode === "capture");
  const drifted = new Set(input.namespaces);
  const index = new PodIndex(universe);
  const rows = new Rows(desired, live, table, universe, index);

  // Only an endpoint whose own policies of a direction differ between the sides can flip a decision of that
  // direction: its row (a changed sender against every receiver, a changed receiver against every sender) is
  // computed, and what flipped is charged to its namespace. A relabelled policy's namespace reads `none`
  // even when traffic into it changed because of another namespace's drift.
  // One namespace at a time: its rows are merged into flows, which the cap keeps or reduces to counts
  // before the next namespace starts, so no more than one namespace's partial flows are held.
  const cap = new FlowCap(input.maxFlows ?? Infinity);
  const effects = [...drifted].sort().map((namespace): NamespaceEffect => {
    const flows = new NamespaceFlows(index, live, table);
    for (const dir of ["egress", "ingress"] as const) {
      for (const x of universe.podsByNs.get(namespace) ?? []) {
        if (sameSpecs(desired, live, dir, x)) continue;
        const groups = rows.row(x, dir);
        if (groups.length > 0) flows.add(x, dir, groups);
      }
    }
    const { opened, closed } = flows.flows();
    return cap.take({ namespace, effect: kindOf(opened.length > 0, closed.length > 0), opened, closed });
  });
  const capped = cap.info();
  const info = infoOf(universe, input.options.ipBlockMatchesPods);
  return { effects, info: capped ? { ...info, flowCap: capped } : info };
}

/** Whether both sides select `e` with the same policies of `dir` (a shared policy object is the same). */
function sameSpecs(desired: Side, live: Side, dir: Direction, e: Endpoint): boolean {
  const a = desired.selectingPolicies(dir, e);
  const b = live.selectingPolicies(dir, e);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.policy !== b[i]!.policy && a[i]!.specKey[dir] !== b[i]!.specKey[dir]) return false;
  return true;
}

function kindOf(opened: boolean, closed: boolean): EffectKind {
  if (opened && closed) return "changes";
  if (opened) return "widens";
  return closed ? "narrows" : "none";
}

export function infoOf(universe: Pick<Universe, "mode">, ipBlockMatchesPods: boolean): AnalysisInfo {
  const notes = [
    ipBlockMatchesPods
      ? "ipBlock peers match pod IPs (setting ipBlockMatchesPods=true; whether they do depends on the CNI)"
      : "ipBlock peers never match pod IPs, only addresses outside the cluster (setting ipBlockMatchesPods=false; CNIs differ)",
  ];
  if (universe.mode === "representative" && ipBlockMatchesPods) {
    notes.push("without workloads pods have no addresses, so no ipBlock peer matches a pod");
  }
  if (universe.mode === "representative") {
    notes.push(
      "no workloads given: computed on one representative pod per label combination the selectors mention, plus one that matches none (pod:(other)); namespaces are known by name only, [k=v] stands for any namespace with those labels",
      "named ports cannot be resolved without workloads and are compared by name",
    );
  }
  return { workloads: universe.mode, ipBlockMatchesPods, notes };
}
