// What the sources are asked for (the command line and the nightly config both produce these) and what they
// hand to the core: raw objects with their origins, never normalised ones, so both sides meet one normaliser.
import type { Scope } from "../compare/scope.js";
import type { AnalysisLevel } from "./analysis.js";
import type { DesiredState, IPBlock, NormalizedPolicy, NormalizeOptions, Origin, Problem, Skipped } from "./types.js";

/** A cluster reached through a kubeconfig (kubectl's rules), listed in pages. */
export interface ClusterSource {
  kind: "cluster";
  kubeconfig?: string;
  context?: string;
  pageSize: number;
}

export type LiveSourceOptions = { kind: "file"; file: string; allNamespaces?: boolean } | ClusterSource;

/** Where the analysis gets real namespaces and pods: a capture, or the cluster the live side comes from. */
export type WorkloadsSource = { kind: "file"; file: string } | ClusterSource;

/** Settings of the traffic analysis before the Helm values file is read (it is named here, not read). */
export interface AnalysisSettings {
  /** Glob with at most one `*` (validated by whoever parsed it); default tenant-*. */
  tenantPattern?: string;
  /** External egress allowed everywhere, added to the values' egressAllowList. */
  egressAllow?: IPBlock[];
  /** Air-gapped tenants by name or namespace; resolved after the values, which may name tenants' namespaces. */
  airGapped?: string[];
  ipBlockMatchesPods?: boolean;
  /** How much analysis the report carries (full, summary, off); absent = full. */
  level?: AnalysisLevel;
  /** Full level: the most flows the report carries (0 = every flow); absent = the default cap. */
  maxFlows?: number;
  /** The Helm values file: where to read it, how to name it to the user, and the setting that named it. */
  values?: { path: string; name: string; setting: string };
}

/** Both sides of a drift report, as `report` and the nightly `run` ask for them. */
export interface SourceOptions {
  desired: string;
  /** How the report names the desired side (`sources.desired`); default: the `desired` folder. */
  desiredLabel?: string;
  /** Folders below `desired` never read as manifests (the nightly run's change records). */
  skip?: string[];
  defaultNamespace?: string;
  live: LiveSourceOptions;
  scope: Scope;
  normalize: NormalizeOptions;
  /** Name of the cluster in the report; default: what the live source says (the kubeconfig's cluster). */
  clusterName?: string;
  /** Traffic analysis settings; a Helm values file among them is read while detecting. Absent = defaults. */
  analysis?: AnalysisSettings;
  /** Namespaces and pods for the analysis; absent = representatives. */
  workloads?: WorkloadsSource;
  /**
   * The rules file: a path (`--rules`), false (`--no-rules`), or absent: `.netpol-drift.yaml` at the root of
   * the git repository holding the desired folder, when there is one (the nightly run's clone, say).
   */
  rules?: string | false;
}

/** One desired NetworkPolicy as found: the parsed manifest, its resolved namespace, and where it was written. */
export interface RawPolicy {
  raw: Record<string, unknown>;
  namespace: string;
  origin: Origin;
}

/** What the desired source yields: every policy found (not yet normalised), plus what was skipped or wrong. */
export interface RawDesired {
  objects: RawPolicy[];
  skipped: Skipped[];
  problems: Problem[];
}

/**
 * The desired side as detect takes it, like the live side: raw objects it normalises, or normalised as read by
 * the source with the same normaliser (bounded memory for a large folder).
 */
export type DesiredInput = RawDesired | DesiredState;

/** A live side that could not be listed whole: no list at all, only why (and which cluster it was about). */
export interface LiveFailure {
  problem: Problem;
  /** The kubeconfig's cluster or context, when it was known before the list failed. */
  cluster?: string;
  origin: string;
}

/** The live side as detect takes it: raw objects, or already normalised as listed (same normaliser), or a failure. */
export type LiveInput =
  | (LiveListFacts & { objects: Record<string, unknown>[] })
  | (LiveListFacts & { policies: NormalizedPolicy[] })
  | LiveFailure;

interface LiveListFacts {
  cluster: string;
  origin: string;
  requests: number;
  /** A capture: what it covers, as its source judged (a cluster list covers what was asked for). */
  coverage?: LiveCoverage;
}

/** The namespaces a capture covers (`["*"]` for all), notes for the report, and a problem when it cannot tell. */
export interface LiveCoverage {
  covers: string[];
  notes: string[];
  problem?: Problem;
}
