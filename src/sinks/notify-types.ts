// The digest the nightly run hands to a notifier (Slack today). Plain data: the sender renders it
// (Block Kit, limits, "and N more"); the run only decides whether there is something to say.

import type { EffectKind } from "../model/analysis.js";
import type { DriftState, Summary } from "../model/types.js";

/** new: drift appeared; changed: drift differs from the last record; resolved: drift is gone;
 *  unchanged: same as the last record (sent only under NETPOL_DRIFT_NOTIFY=always). */
export type DigestKind = "new" | "changed" | "resolved" | "unchanged";

export interface DigestItem {
  name: string;
  state: DriftState;
  /** Field paths that differ (modified only), e.g. "spec.ingress[0].ports". */
  paths: string[];
  /** Who last wrote the live object: managedFields manager (and its time when known). */
  changedBy?: { manager: string; operation: string; time?: string };
}

/** What the namespace's drift does to traffic, as the report's effect says it. */
export interface DigestEffect {
  effect: EffectKind;
  opened: number;
  closed: number;
  /** The first flows (at most two), widest opened ones first; closed ones only when nothing opened. */
  flows: { change: "opened" | "closed"; text: string }[];
}

export interface DigestNamespace {
  namespace: string;
  items: DigestItem[];
  /** Absent for "resolved" digests and when the report has no analysis. */
  effect?: DigestEffect;
}

export interface Digest {
  kind: DigestKind;
  cluster: string;
  /** The report's summary counts (desired, live, inSync, missing, unmanaged, modified). */
  counts: Summary;
  /** Drifted policies grouped by namespace: the most severe effect first (widens), then by name; names sorted.
   *  For "resolved": the policies that had drifted and are back in sync (paths empty, changedBy absent). */
  namespaces: DigestNamespace[];
  /** Total drifted policies (the sender caps what it lists and says "and N more"). */
  total: number;
  /** The open PR/MR (or the record's commit URL in direct mode), when there is one. */
  prUrl?: string;
  /** Path of the change record in the policy repo, relative to its root. */
  recordPath?: string;
  /** Fingerprint of the drift this digest is about (short hex). */
  fingerprint: string;
  /** False when the report is incomplete (some verdicts withheld or the live side failed partly). */
  complete: boolean;
  /** ISO time of the run. */
  generatedAt: string;
}
