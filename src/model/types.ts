// Our own model: small, plain data, shared by every stage. Wire types (V1NetworkPolicy, …) come from
// @kubernetes/client-node and stop at the normalize stage.
import type { AnalysisInfo, NamespaceEffect, Violation } from "./analysis.js";
import type { Protocol } from "./protocol.js";

export interface PolicyKey {
  namespace: string;
  name: string;
}

export type { Protocol };
export type PolicyType = "Ingress" | "Egress";

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** A label selector after normalisation: empty matchLabels/matchExpressions are absent. */
export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: IPBlock;
}

export interface Port {
  protocol: Protocol;
  /** A number, or a named container port. Absent = every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

// Rules keep the Kubernetes field names so change paths and the normalised YAML read like a manifest.
/** Absent `from` = every source; absent `ports` = every port. */
export interface IngressRule {
  from?: Peer[];
  ports?: Port[];
}

/** Absent `to` = every destination; absent `ports` = every port. */
export interface EgressRule {
  to?: Peer[];
  ports?: Port[];
}

/** The spec with the API server's defaults applied and every order-free list sorted. */
export interface NormalizedSpec {
  podSelector: Selector;
  policyTypes: PolicyType[];
  ingress?: IngressRule[];
  egress?: EgressRule[];
}

export interface ChangedBy {
  manager: string;
  operation: string;
  time?: string;
}

/** One managedFields entry, with the fields it owns (paths joined by NUL, list keys dropped). */
export interface FieldManager extends ChangedBy {
  fields: string[];
}

export interface NormalizedPolicy extends PolicyKey {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: NormalizedSpec;
  /** Where it came from: the desired file (and line), or "live". */
  origin: Origin;
  /** Live only: the newest managedFields entry. */
  changedBy?: ChangedBy;
  /** Live only: every managedFields entry and what it owns, to name who changed a drifted field. */
  managers?: FieldManager[];
}

export interface Origin {
  file?: string;
  line?: number;
  /** Desired side: the line of each rule, by its index as written (spec.ingress[i] / spec.egress[i]). */
  rules?: { ingress: number[]; egress: number[] };
}

export type DriftState = "missing" | "unmanaged" | "modified";

export interface FieldChange {
  path: string;
  desired?: unknown;
  live?: unknown;
}

export interface DriftItem extends PolicyKey {
  state: DriftState;
  /** Desired file, relative to the desired root. */
  source?: string;
  changes: FieldChange[];
  /** Unified diff of the normalised YAML (desired → live). */
  diff: string;
  changedBy?: ChangedBy;
  /** The waiver that covered this drift ran out (`.netpol-drift.yaml`): drift again, and it says so. */
  waiverExpired?: WaiverRef;
  /** sha256 of the canonical comparable objects of both sides (the whole object for missing and unmanaged):
   *  what the nightly fingerprint rests on, so it never hashes presentation. */
  hash?: string;
}

/** A waiver of the rules file as a report names it. */
export interface WaiverRef {
  /** `file:line` of the waiver. */
  rule: string;
  reason: string;
  owner: string;
  /** The last day it holds (YYYY-MM-DD, UTC). */
  expires: string;
}

/** A drift item an active waiver covers: shown, counted apart, not drift for the exit code nor the nightly record. */
export interface WaivedItem extends DriftItem {
  waiver: WaiverRef & {
    /** The waiver ends within 7 days. */
    expiresSoon?: boolean;
  };
}

/** A live-only policy the rules file's unmanaged allow-list expects. */
export interface ExpectedItem extends PolicyKey {
  /** `file:line` of the allow-list entry. */
  rule: string;
  reason?: string;
}

/** What the rules file did besides waiving (the waived items are `Report.waived`). */
export interface ReportRules {
  /** The rules file read (relative to the repo root when it was found there). */
  file: string;
  expected: ExpectedItem[];
  /** Live-only policies in namespaces the desired folder has no policy in (`unmanagedIn: desired-namespaces`). */
  outsideDesiredNamespaces: number;
  /** Active waivers that end within 7 days (whether or not they matched). */
  expiringSoon: WaiverRef[];
  /** Waivers past their date; the drift they covered is drift again, flagged `waiverExpired`. */
  expired: WaiverRef[];
  /** Active waivers that cover no drift item: stale, or a typo in the match. */
  unmatched: WaiverRef[];
}

/**
 * Something that kept a result from being whole, and where: a desired file and line, the API call, the
 * namespace it makes uncertain. One shape for every stage (thrown inside a SourceError, listed in a report).
 */
export interface Problem {
  /**
   * "error" (also when absent, as in every report so far): the result is incomplete, exit 2. "warning": said,
   * but the verdict stands (e.g. `eval` answering from a desired folder with a broken file).
   */
  severity?: "error" | "warning";
  file?: string;
  line?: number;
  /** The API call a live-side problem came from, e.g. "GET /apis/networking.k8s.io/v1/networkpolicies". */
  call?: string;
  message: string;
  /** The namespace a desired-side problem makes uncertain; "*" when it could be any. */
  namespace?: string;
  /** With `namespace`: only this policy is uncertain (e.g. declared twice), not the whole namespace. */
  name?: string;
}

export interface Skipped {
  file: string;
  line?: number;
  kind?: string;
  apiVersion?: string;
  reason: string;
}

export interface Summary {
  desired: number;
  live: number;
  inSync: number;
  missing: number;
  unmanaged: number;
  modified: number;
  /** With a rules file: drift items an active waiver covers (not counted above). */
  waived?: number;
  /** With a rules file: live-only policies it expects (allow-list, `unmanagedIn`), not counted as unmanaged. */
  expected?: number;
  /** With a rules file: policies an ignore rule leaves out whole. */
  ignored?: number;
}

export interface Report {
  complete: boolean;
  summary: Summary;
  drift: DriftItem[];
  /** With a rules file: drift an active waiver covers, with its reason and date. */
  waived?: WaivedItem[];
  /** With a rules file: what it did besides waiving. */
  rules?: ReportRules;
  skipped: Skipped[];
  problems: Problem[];
  generatedAt: string;
  cluster: string;
  /** Namespaces (or namespace/name) where verdicts were withheld because the desired side is uncertain. */
  withheld: string[];
  /** Where both sides came from, and how many list requests the live side took; `workloads` when the analysis read some. */
  sources: {
    desired: string;
    live: string;
    requests: number;
    workloads?: string;
    /** The namespaces the live side covered (`-n`, or what a capture holds when that is all it can say); `["*"]` = all. */
    liveNamespaces?: string[];
  };
  /** What the report could not tell from its inputs, e.g. a capture without managedFields ("changed by" unknown). */
  notes?: string[];
  /** What the drift does to traffic, one entry per namespace with drift (absent when the live side failed). */
  effects?: NamespaceEffect[];
  /** Baseline invariants broken on either side. */
  violations?: Violation[];
  /** What the effects rest on: workloads or representatives, the ipBlock setting. */
  analysis?: AnalysisInfo;
}

/** What a desired-state load yields: policies plus everything that was skipped or wrong. */
export interface DesiredState {
  policies: NormalizedPolicy[];
  skipped: Skipped[];
  problems: Problem[];
}

/** Options of the normalize stage; both sides use the same. */
export interface NormalizeOptions {
  /** Label keys (glob `*` allowed) that tools manage and are never compared. */
  ignoreLabels: string[];
  /** Annotation keys (glob `*` allowed) that are compared; none by default. */
  compareAnnotations: string[];
}

export const DEFAULT_IGNORED_LABELS: readonly string[] = [
  "app.kubernetes.io/managed-by",
  "argocd.argoproj.io/instance",
  "kustomize.toolkit.fluxcd.io/name",
  "kustomize.toolkit.fluxcd.io/namespace",
];

export const defaultNormalizeOptions = (): NormalizeOptions => ({
  ignoreLabels: [...DEFAULT_IGNORED_LABELS],
  compareAnnotations: [],
});
