// The effect of drift on traffic: connectivity allowed live minus allowed by the desired state, and the
// reverse, for flows that touch a drifted namespace.
import type { NormalizedPolicy } from "../model/types.js";
import { aggregate, type PairDelta } from "./flows.js";
import { isEmpty, subtract } from "./ports.js";
import { compilePolicy } from "./rules.js";
import { Side, type Direction } from "./side.js";
import type { AnalysisInfo, AnalysisOptions, EffectKind, NamespaceEffect, Workloads } from "./types.js";
import { buildUniverse, type Endpoint, type Universe } from "./universe.js";

export interface EffectInput {
  desired: NormalizedPolicy[];
  live: NormalizedPolicy[];
  /** Namespaces with drift: one effect each. */
  namespaces: string[];
  workloads?: Workloads;
  options: Pick<AnalysisOptions, "ipBlockMatchesPods">;
}

export function computeEffects(input: EffectInput): { effects: NamespaceEffect[]; info: AnalysisInfo } {
  if (input.namespaces.length === 0) {
    return { effects: [], info: infoOf({ mode: input.workloads ? "capture" : "representative" }, input.options.ipBlockMatchesPods) };
  }
  const universe = buildUniverse([...input.desired, ...input.live], input.workloads, input.options);
  const desired = new Side(input.desired.map(compilePolicy), universe, input.options);
  const live = new Side(input.live.map(compilePolicy), universe, input.options);
  const drifted = new Set(input.namespaces);

  // A pair can only differ when the sender's egress policies or the receiver's ingress policies differ;
  // every other pair has the same verdict on both sides, so only these are computed. A flow is reported
  // under the drifted namespace whose policies changed it, so a relabelled policy's namespace reads `none`
  // even when traffic into it changed because of another namespace's drift.
  const changed = (dir: Direction, e: Endpoint) => specs(desired, dir, e) !== specs(live, dir, e);
  const senders = universe.pods.filter((e) => changed("egress", e));
  const receivers = universe.pods.filter((e) => changed("ingress", e));
  const opened: (PairDelta & { by: string[] })[] = [];
  const closed: (PairDelta & { by: string[] })[] = [];
  const senderIds = new Set(senders.map((e) => e.id));
  const receiverIds = new Set(receivers.map((e) => e.id));
  const visit = (src: Endpoint, dst: Endpoint, sameEgress: boolean) => {
    // A change belongs to the namespace whose policies changed: the sender's (egress), the receiver's (ingress).
    const by = [src.kind === "pod" && senderIds.has(src.id) ? src.namespace : "", dst.kind === "pod" && receiverIds.has(dst.id) ? dst.namespace : ""].filter((n) => drifted.has(n));
    if (by.length === 0) return;
    // A sender whose egress policies did not change has the same egress on both sides: compute it once, and
    // skip the pair when it lets nothing out (the common case under a default deny).
    const egress = sameEgress ? desired.sidePorts("egress", src, dst) : undefined;
    if (egress && isEmpty(egress)) return;
    const d = desired.allowed(src, dst, egress);
    const l = live.allowed(src, dst, egress);
    const more = subtract(l, d);
    const less = subtract(d, l);
    if (!isEmpty(more)) opened.push({ ...delta(live, src, dst, more), by });
    if (!isEmpty(less)) closed.push({ ...delta(live, src, dst, less), by });
  };
  // Only pairs one side can let through at all: a changed sender against the receivers that may accept it on
  // either side; a changed receiver against the (unchanged) senders that may reach it.
  for (const src of senders) {
    for (const dst of new Set([...desired.candidates("ingress", src), ...live.candidates("ingress", src)])) visit(src, dst, false);
  }
  for (const dst of receivers) for (const src of desired.candidates("egress", dst)) if (!senderIds.has(src.id)) visit(src, dst, true);

  // Bucket once by namespace: filtering every delta for every drifted namespace is quadratic on a first run
  // where everything is unmanaged.
  const openedBy = byNamespace(opened);
  const closedBy = byNamespace(closed);
  const effects = [...drifted].sort().map((namespace): NamespaceEffect => {
    const o = aggregate(openedBy.get(namespace) ?? [], universe);
    const c = aggregate(closedBy.get(namespace) ?? [], universe);
    return { namespace, effect: kindOf(o.length > 0, c.length > 0), opened: o, closed: c };
  });
  return { effects, info: infoOf(universe, input.options.ipBlockMatchesPods) };
}

function byNamespace<T extends { by: string[] }>(deltas: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const d of deltas) {
    for (const ns of new Set(d.by)) {
      const list = out.get(ns);
      if (list) list.push(d);
      else out.set(ns, [d]);
    }
  }
  return out;
}

function specs(side: Side, dir: Direction, e: Endpoint): string {
  return side.selectingPolicies(dir, e).map((p) => p.specKey[dir]).join("\n");
}

function delta(live: Side, src: Endpoint, dst: Endpoint, ports: PairDelta["ports"]): PairDelta {
  return { src, dst, ports, egress: live.decision("egress", src, dst, ports), ingress: live.decision("ingress", src, dst, ports) };
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
