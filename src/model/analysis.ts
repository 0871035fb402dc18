// What the analysis stage adds to a report: the effect of drift on traffic and baseline violations.
// Plain data, part of the model so the Report type does not depend on the analysis code.
import type { Protocol } from "./protocol.js";

/** A policy rule, as the report names it. Index is the rule's position as its author wrote it. */
export interface RuleRef {
  namespace: string;
  policy: string;
  direction: "ingress" | "egress";
  /** Position of the rule in the object as written; absent when the policy has no rule of that direction. */
  index?: number;
}

/** Why one side (sender egress or receiver ingress) lets a flow through or not. */
export interface SideDecision {
  /** False: no policy of this direction selects the endpoint (or it is external), so it is open. */
  isolated: boolean;
  /** The policies of this direction that select the endpoint, `namespace/name`. */
  policies: string[];
  /** The rules that allow the flow (empty when it is denied or the side is not isolated). */
  rules: RuleRef[];
}

/**
 * One end of a flow as a set, complete (nothing is sampled): whole namespaces, single pod classes, or every
 * pod but some, plus addresses outside the cluster. Pod classes are named by their `label`, unique per class.
 */
export interface FlowEnd {
  /** Every pod of these namespaces; `["*"]` = every namespace the analysis knows. */
  namespaces?: string[];
  /** Pod classes (by label) outside the namespaces listed whole. */
  pods?: string[];
  /** With `namespaces: ["*"]`: what is left out, whole namespaces and pod classes. */
  except?: { namespaces?: string[]; pods?: string[] };
  /** Addresses outside the cluster, as CIDRs. */
  addresses?: string[];
}

export interface Flow {
  /** `from` and `to` as one line of text, e.g. "ns:*\/pod:* except ns:tenant-acme/pod:*". */
  source: string;
  destination: string;
  from?: FlowEnd;
  to?: FlowEnd;
  protocol: Protocol | "any";
  /** "all", or a list like "53", "8000-8080, 9090", "http" (a named port left unresolved without workloads). */
  ports: string;
  /**
   * Live-side decision: for an opened flow the rules that now allow it; for a closed one what now denies it.
   * Where an end spans several namespaces, its policies read `*\/name`: the policy of that name in each one.
   */
  egress: SideDecision;
  ingress: SideDecision;
}

export type EffectKind = "widens" | "narrows" | "changes" | "none";

/** How much of the traffic analysis a report carries: flows, kinds and counts only, or none (drift only). */
export type AnalysisLevel = "full" | "summary" | "off";

export interface NamespaceEffect {
  namespace: string;
  effect: EffectKind;
  /**
   * How many flows there are, when they are not listed (`opened` and `closed` are then empty): with
   * `--analysis summary`, or for a namespace past the report's flow cap (`AnalysisInfo.flowCap` says so).
   */
  counts?: { opened: number; closed: number };
  /** Why `counts` stand in for the lists: "summary" (`--analysis summary`) or "cap" (past the flow cap). */
  notListed?: "summary" | "cap";
  /** Allowed live, not in the desired state. */
  opened: Flow[];
  /** Allowed by the desired state, not live. */
  closed: Flow[];
}

export type InvariantId = "default-deny" | "dns-egress" | "tenant-isolation" | "egress-allow-list" | "air-gapped";

export interface Violation {
  invariant: InvariantId;
  side: "desired" | "live";
  namespace: string;
  /** The policy at fault; absent when the fault is a missing policy. */
  policy?: string;
  rule?: string;
  /** Desired side: where the policy is declared (relative to the desired root). */
  file?: string;
  line?: number;
  message: string;
  /** A connection that breaks the invariant, decided as `eval` decides it. */
  witness?: { from: string; to: string; protocol: Protocol | "any"; ports: string };
}

/** What the report says about how the analysis was done, so a reader knows what a verdict rests on. */
export interface AnalysisInfo {
  /** "capture": real namespaces and pods; "representative": one stand-in per label combination selectors mention. */
  workloads: "capture" | "representative";
  ipBlockMatchesPods: boolean;
  /** Absent = full. */
  level?: AnalysisLevel;
  /** Present when the flow cap left lists out: those namespaces carry their counts only. */
  flowCap?: FlowCapInfo;
  notes: string[];
}

/** What the flow cap left out: `namespaces` carry counts instead of their `flows`; `limit` is the cap. */
export interface FlowCapInfo {
  limit: number;
  namespaces: number;
  flows: number;
}
