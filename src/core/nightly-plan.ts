import type {
  BranchState,
  ChangeRequestStep,
  Delivered,
  Digest,
  DigestKind,
  FileWrite,
  NightlyPlan,
  NightlySettings,
  PlannedCommit,
  RecordKind,
  RecordMeta,
} from "../model/nightly.js";
import type { Report } from "../model/types.js";
import { appendEntry } from "../render/nightly/changelog.js";
import { changeRequestBody, changeRequestTitle, closeComment } from "../render/nightly/change-request.js";
import { recordCommitMessage } from "../render/nightly/commit.js";
import { buildDigest } from "../render/nightly/digest.js";
import { buildRecord, deliveryNoteText } from "../render/nightly/record.js";
import { newlyWaived } from "../render/nightly/waived.js";
import type { WaivedItem } from "../model/rules.js";
import type { ResolvedBy } from "../render/nightly/changelog.js";
import { sha256 } from "../util/hash.js";
import type { RevertStep } from "../render/nightly/revert.js";
import type { AcceptRefusal, FileEdit } from "./accept.js";
import { fingerprint, NO_DRIFT, sameDrift } from "./fingerprint.js";
import { mergeDelivery, parseDeliveryNote } from "./records.js";

/** Accept = merge: the edits the drift branch's commit makes to the desired folder, and the revert steps. */
export interface AcceptPlan {
  /** The desired folder from the repository root; edit paths are under it. */
  desiredPath: string;
  edits: FileEdit[];
  refused: AcceptRefusal[];
  steps: RevertStep[];
}

// Everything the nightly run decides, as values: whether today's drift is news, the commit that records it,
// the PR/MR step and the digest still owed. The worker reads the branch tip, calls this, and carries the plan
// out; the last record's delivery note says what an earlier run already did, so a re-run after a crash plans
// exactly what is missing. Pure: no git, no HTTP, no clock.

export function driftBranch(cluster: string): string {
  return `netpol-drift/${cluster}`;
}

/** Where the run commits: the cluster's drift branch (PR mode) or the target branch itself. */
export function commitBranch(settings: Pick<NightlySettings, "push" | "cluster" | "branch">): string {
  return settings.push === "pr" ? driftBranch(settings.cluster) : settings.branch;
}

/** What today's drift is, next to the last record: news of some kind, or nothing to write. */
export function decide(
  last: RecordMeta | undefined,
  report: Pick<Report, "drift">,
  fp: string,
): RecordKind | undefined {
  if (!last) return fp === NO_DRIFT ? undefined : "new";
  if (sameDrift(last, report.drift, fp)) return undefined;
  if (fp === NO_DRIFT) return "resolved";
  return last.kind === "resolved" ? "new" : "changed";
}

export function planNightly(
  report: Report,
  tip: BranchState,
  settings: NightlySettings,
  now: Date,
  accept?: AcceptPlan,
): NightlyPlan {
  // Only the drift branch carries the live state; direct mode never rewrites desired files.
  const accepting = settings.push === "pr" ? accept : undefined;
  const fp = fingerprint(report.drift);
  const branch = commitBranch(settings);
  // A failed list or a broken desired file would read as "drift resolved" or as new drift: plan nothing.
  if (!report.complete) return { fingerprint: fp, branch };
  const last = tip.record;
  const kind = decide(last?.meta, report, fp);
  let current = last && { meta: last.meta, jsonPath: last.jsonPath };
  let commit: PlannedCommit | undefined;
  const outcome = kind === "resolved" && last ? resolvedBy(last.meta, tip.base) : undefined;
  if (kind) {
    const files = buildRecord({
      report,
      kind,
      cluster: settings.cluster,
      fingerprint: fp,
      recordsDir: settings.recordsDir,
      now,
      sequence: (last?.meta.sequence ?? 0) + 1,
      ...(last ? { previous: { meta: last.meta, report: last.report } } : {}),
      ...(accepting ? { revert: accepting.steps, accepted: acceptedFiles(accepting) } : {}),
      ...(outcome ? { resolvedBy: outcome } : {}),
    });
    const changelog = appendEntry(tip.changelog, {
      cluster: settings.cluster,
      kind,
      report,
      fingerprint: fp,
      now,
      recordPath: files.markdownPath,
      changelogPath: settings.changelog,
      resolvedCount: last?.report.drift.length,
      ...(last ? { previous: last.report.drift } : {}),
      ...(outcome ? { outcome } : {}),
    });
    const writes: FileWrite[] = [
      { path: files.markdownPath, text: files.markdown },
      { path: files.jsonPath, text: files.json },
      { path: settings.changelog, text: changelog },
      ...(kind !== "resolved" && accepting ? acceptWrites(accepting) : []),
    ];
    // No stale accept: a desired file an earlier run accepted on the branch and today's accept does not write
    // goes back to the base branch's version, so merging accepts exactly today's drift.
    if (settings.push === "pr") writes.push(...staleResets(tip.changedFromBase, writes, settings));
    commit = {
      message: recordCommitMessage({
        cluster: settings.cluster,
        kind,
        drifted: report.drift.length,
        fingerprint: fp,
        recordPath: files.markdownPath,
      }),
      files: writes,
    };
    current = { meta: files.meta, jsonPath: files.jsonPath };
  }
  const written = kind !== undefined;
  const waived = newlyWaived(report, last?.report.drift);
  // Merged: the forge marks the PR merged itself; closing it would say the reverse.
  const merged = current?.meta.resolvedBy?.accepted && !current.meta.resolvedBy.reverted;
  const changeRequest =
    current && !merged && changeRequestStep(report, current.meta, written, settings, waived, accepting);
  const digestOwed = settings.digest ? digestKind(settings.notify, current?.meta, written) : undefined;
  const prUrl = current?.meta.delivery?.changeRequest?.url;
  const digest: Digest | undefined =
    digestOwed &&
    buildDigest({
      kind: digestOwed,
      cluster: settings.cluster,
      report,
      fingerprint: fp,
      ...(current ? { record: current.meta } : {}),
      ...(prUrl ? { prUrl } : {}),
    });
  return {
    ...(kind ? { kind } : {}),
    fingerprint: fp,
    branch,
    ...(current ? { record: current } : {}),
    ...(commit ? { commit } : {}),
    ...(changeRequest ? { changeRequest } : {}),
    ...(digest ? { digest } : {}),
  };
}

function staleResets(
  changed: BranchState["changedFromBase"],
  writes: readonly FileWrite[],
  settings: Pick<NightlySettings, "changelog" | "recordsDir">,
): FileWrite[] {
  if (!changed) return [];
  const written = new Set(writes.map((w) => w.path));
  const records = `${settings.recordsDir.replace(/\/+$/, "")}/`;
  return [...changed]
    .filter(([path]) => !written.has(path) && path !== settings.changelog && !path.startsWith(records))
    .map(([path, text]) => ({ path, text }));
}

/** The files an accept writes, as the record keeps them to recognise the merge later. */
function acceptedFiles(accept: AcceptPlan): { path: string; sha256: string | null }[] {
  return acceptWrites(accept).map((f) => ({ path: f.path, sha256: f.text === null ? null : sha256(f.text) }));
}

/**
 * How recorded drift went away: the base branch holds what the drift branch accepted (merged), or not (the
 * cluster was put back). Undefined when the record accepted nothing.
 */
export function resolvedBy(
  meta: RecordMeta,
  base: ReadonlyMap<string, string | null> | undefined,
): ResolvedBy | undefined {
  const files = meta.accept?.files ?? [];
  if (files.length === 0 || !base) return undefined;
  const merged = files.filter((f) => {
    const text = base.get(f.path) ?? null;
    return f.sha256 === null ? text === null : text !== null && sha256(text) === f.sha256;
  }).length;
  const cr = meta.delivery?.changeRequest;
  // GitLab names merge requests !N, GitHub pull requests #N.
  const ref = cr?.id === undefined ? undefined : `${cr.url?.includes("/merge_requests/") ? "!" : "#"}${cr.id}`;
  return { accepted: merged > 0, reverted: merged < files.length, ...(ref ? { changeRequest: ref } : {}) };
}

/** The accepted live state as files under the desired folder (null text: the file is deleted). */
function acceptWrites(accept: AcceptPlan): FileWrite[] {
  const dir = accept.desiredPath.replace(/\/+$/, "");
  return accept.edits.map((e) => ({ path: dir && dir !== "." ? `${dir}/${e.path}` : e.path, text: e.text }));
}

/** Which digest this run owes, if any: news once, a missed one again, everything under `always`. */
export function digestKind(
  notify: NightlySettings["notify"],
  current: RecordMeta | undefined,
  written: boolean,
): DigestKind | undefined {
  if (notify === "never") return undefined;
  const owed = current && (written || !current.delivery?.slack) ? current.kind : undefined;
  return owed ?? (notify === "always" ? "unchanged" : undefined);
}

function changeRequestStep(
  report: Report,
  meta: RecordMeta,
  written: boolean,
  settings: NightlySettings,
  waived: WaivedItem[],
  accept: AcceptPlan | undefined,
): ChangeRequestStep | undefined {
  const forge = settings.push === "pr" ? settings.changeRequest : undefined;
  if (!forge) return undefined;
  const where = { branch: driftBranch(settings.cluster), base: settings.branch };
  const done = meta.delivery?.changeRequest;
  if (meta.kind === "resolved") {
    if (!written && done?.closed) return undefined;
    return { op: "close", ...where, comment: closeComment(settings.cluster, meta.markdown, forge.comment, waived) };
  }
  // Already opened for this record: a human may have closed it since; reopening nightly would be spam.
  if (!written && done?.url) return undefined;
  return {
    op: "upsert",
    ...where,
    title: changeRequestTitle(settings.cluster, report.drift.length, forge.title),
    body: changeRequestBody(report, meta, forge.body, accept && { ...accept, base: settings.branch }),
  };
}

/**
 * The delivery note's new text for the plan's record: the note the remote holds now (`note`; undefined when
 * there is none) with what this run delivered merged in. Undefined when there is nothing to mark.
 */
export function markDelivered(
  plan: NightlyPlan,
  delivered: Delivered,
  note: string | undefined,
  where: string,
): string | undefined {
  const cur = plan.record;
  if (!cur || Object.keys(delivered.patch).length === 0) return undefined;
  const had = note === undefined ? undefined : parseDeliveryNote(note, where);
  return deliveryNoteText(cur, mergeDelivery(had, delivered.patch));
}
