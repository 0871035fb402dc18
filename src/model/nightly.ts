// The nightly run's data: what a change record says about itself, what was delivered for it, the digest, and
// the plan that core/nightly-plan decides and workers/nightly carries out. Plain data, no behaviour.

import type { EffectKind } from "./analysis.js";
import type { DriftItem, DriftState, Report, Summary } from "./types.js";

export type RecordKind = "new" | "changed" | "resolved";

/** What was delivered for a record, kept in a git note on the record's file so a re-run knows what is missing
 *  (records written before the notes carry it in their JSON). */
export interface Delivery {
  /** The PR/MR opened or updated for the record; for a resolution, `closed` once it was closed (id and url
   *  absent when none was open). */
  changeRequest?: { id?: number; url?: string; closed?: boolean };
  slack?: { sentAt: string };
}

/** What a trimmed record left out, in its `record` field (render/nightly/trim.ts). */
export interface Trimmed {
  /** Unified diffs dropped (the field changes stay unless `changes` is counted too). */
  diffs: number;
  /** Flows dropped: effects carry their kind and counts only. */
  flows: number;
  /** Field changes dropped from drift items. */
  changes?: number;
  /** Violations dropped (their count stays in `trimmed`). */
  violations?: number;
  /** Drift items dropped past the budget, last ones first. */
  driftItems?: number;
}

export interface RecordMeta {
  schema: 1;
  cluster: string;
  kind: RecordKind;
  fingerprint: string;
  /** 2: the fingerprint hashes the canonical objects (core/fingerprint.ts). Absent: written before, when it
   *  hashed the unified diff; the next run compares such a record with the legacy fingerprint too. */
  fingerprintVersion?: 2;
  previousFingerprint?: string;
  sequence: number;
  createdAt: string;
  /** The Markdown file, relative to the repository root. */
  markdown: string;
  /** Present when the JSON report was too big for the record: what it left out. */
  trimmed?: Trimmed;
  /** Resolution records: the policies that had drifted and are back in sync. */
  resolved?: { namespace: string; name: string; state: DriftItem["state"] }[];
  /** PR mode with accept: the desired files the drift branch wrote (sha256 of the text; null = deleted), so a
   *  later run tells "accepted by the merge" (the base branch has them) from "reverted in the cluster". */
  accept?: { files: { path: string; sha256: string | null }[] };
  /** A resolution of accepted drift: merged (the forge marks the PR merged; it is not closed), reverted, or both. */
  resolvedBy?: { accepted: boolean; reverted: boolean };
  /** PR mode with accept: the commands that revert the drift in the cluster instead (from a base checkout). */
  revert?: string[];
  /** Read back from the record's delivery note (and, for older records, the JSON); never written in the JSON. */
  delivery?: Delivery;
}

/** The newest change record on the branch, as read back from its JSON file. */
export interface LastRecord {
  meta: RecordMeta;
  report: Report;
  jsonPath: string;
}

/** What the tip of the branch holds that the plan depends on. */
export interface BranchState {
  record?: LastRecord;
  /** The CHANGELOG's text, undefined when the file does not exist yet. */
  changelog?: string;
  /** The base branch's version of the files the last record accepted (null: absent there). */
  base?: ReadonlyMap<string, string | null>;
  /** PR mode: the desired files the drift branch holds differently from the base branch, with base's version
   *  (null: absent there), so a commit can put back those today's accept no longer writes. */
  changedFromBase?: ReadonlyMap<string, string | null>;
}

/** new: drift appeared; changed: drift differs from the last record; resolved: drift is gone;
 *  unchanged: same as the last record (sent only under NETPOL_DRIFT_NOTIFY=always). */
export type DigestKind = RecordKind | "unchanged";

export interface DigestItem {
  name: string;
  state: DriftState;
  /** Field paths that differ (modified only), e.g. "spec.ingress[0].ports". */
  paths: string[];
  /** Who last wrote the live object: managedFields manager (and its time when known). */
  changedBy?: { manager: string; operation: string; time?: string };
  /** The waiver that covered it ran out on this date (`.netpol-drift.yaml`): drift again. */
  waiverExpired?: string;
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
  /** Total drifted policies (the message caps what it lists and says "and N more"). */
  total: number;
  /** The open PR/MR, when there is one. */
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

export type PlainText = { type: "plain_text"; text: string; emoji?: boolean };
export type Mrkdwn = { type: "mrkdwn"; text: string };
export type SlackBlock =
  | { type: "header"; text: PlainText }
  | { type: "section"; text: Mrkdwn | PlainText }
  | { type: "divider" }
  | { type: "context"; elements: (Mrkdwn | PlainText)[] };

/** One Slack message (Block Kit), rendered by render/nightly/slack.ts and posted as is by the Slack sink. */
export interface SlackMessage {
  /** Fallback for notifications and clients without blocks; mrkdwn-escaped. */
  text: string;
  blocks: SlackBlock[];
}

/** A forge's size limits, declared by the forge (sinks/forge/<forge>/) and honoured by the renderer. */
export interface TextLimit {
  /** UTF-16 units (JavaScript length). */
  chars: number;
  /** UTF-8 bytes, when the forge counts those. */
  bytes?: number;
}

/** What planNightly needs of the configuration (F-T4: not the whole RunConfig). */
export interface NightlySettings {
  cluster: string;
  /** The target branch (main). */
  branch: string;
  push: "pr" | "direct";
  recordsDir: string;
  changelog: string;
  notify: "changes" | "always" | "never";
  /** PR mode with a forge configured: its limits for the body, comments and the title. */
  changeRequest?: { body: TextLimit; comment: TextLimit; title: number };
  /** A notifier (Slack) is configured. */
  digest: boolean;
}

/** A file to write, or to delete (`text: null`: a desired policy's document that accept removes). */
export interface FileWrite {
  path: string;
  text: string | null;
}

export interface PlannedCommit {
  message: string;
  files: FileWrite[];
}

export type ChangeRequestStep =
  | { op: "upsert"; branch: string; base: string; title: string; body: string }
  | { op: "close"; branch: string; base: string; comment: string };

/**
 * Everything one nightly run does, decided up front from the report and the branch tip. `changeRequest` and
 * `digest` are present only while still owed (the last record's delivery note says what is done), so a re-run
 * after a crash plans exactly what is missing.
 */
export interface NightlyPlan {
  /** Undefined: nothing new to record (the drift is what the last record says). */
  kind?: RecordKind;
  fingerprint: string;
  /** Where commits go: the drift branch (PR mode) or the target branch (direct). */
  branch: string;
  /** The record the run is about: the one `commit` writes, else the last one; undefined when there is none. */
  record?: { meta: RecordMeta; jsonPath: string };
  commit?: PlannedCommit;
  changeRequest?: ChangeRequestStep;
  /** The digest to send; `prUrl` is the one known when planning (a PR opened by this run adds its own). */
  digest?: Digest;
}

/** What the deliveries of one run did: a patch for the record's delivery note, and how many failed. */
export interface Delivered {
  patch: Delivery;
  failures: number;
}
