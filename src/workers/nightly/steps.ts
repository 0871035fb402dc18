import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RunConfig } from "../../config/schema.js";
import { type AcceptPlan, commitBranch, markDelivered, planNightly } from "../../core/nightly-plan.js";
import type { Logger } from "../../log/logger.js";
import type { Delivered, NightlyPlan, NightlySettings, PlannedCommit } from "../../model/nightly.js";
import type { Outcome } from "../../model/outcome.js";
import type { Report } from "../../model/types.js";
import { planText } from "../../render/nightly/plan.js";
import { shortFingerprint } from "../../render/phrases.js";
import { blobAtHead, deliveryNotesRef, publishNote } from "../../sinks/git/notes.js";
import type { PublishResult } from "../../sinks/git/publish.js";
import type { PolicyRepo } from "../../sinks/git/repo.js";
import { redactError } from "../../util/redact.js";
import { readTip } from "./git.js";

// The nightly worker's steps that are not the story itself: the scratch folder, the logs, the dry run and
// the delivery note.

/** Runs `fn` in a fresh scratch folder (the pod's emptyDir in production), removed afterwards whatever happens. */
export async function inScratch<T>(root: string | undefined, fn: (dir: string) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(path.join(root ?? tmpdir(), "netpol-drift-run-"));
  try {
    return await fn(path.join(scratch, "repo"));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What the worker returns: the outcome, and the report the metrics read. */
export interface NightlyResult {
  outcome: Outcome;
  /** The report the run acted on, when detection got that far. */
  report?: Report;
}

export function incomplete(report: Report, log: Logger): NightlyResult {
  // A failed list or a broken desired file would read as "drift resolved" or as new drift: record nothing.
  log.error({ problems: report.problems.length, withheld: report.withheld }, "report is incomplete; nothing recorded");
  return { outcome: "incomplete", report };
}

/** The plan for a checked-out tip: read what it holds, decide. */
export function planOnTip(
  report: Report,
  config: RunConfig,
  settings: NightlySettings,
  now: Date,
  accept?: AcceptPlan,
) {
  return async (tip: PolicyRepo): Promise<NightlyPlan> =>
    planNightly(report, await readTip(tip, config), settings, now, accept);
}

/** A plan as publishDecided takes it: the commit to write, and the plan itself as the value. */
export function withCommit(plan: NightlyPlan): { commit?: PlannedCommit; value: NightlyPlan } {
  return { ...(plan.commit ? { commit: plan.commit } : {}), value: plan };
}

/** The dry run's tip: the branch the run would commit to, fetched and checked out locally; nothing is pushed. */
export async function checkout(repo: PolicyRepo, config: RunConfig): Promise<PolicyRepo> {
  await repo.syncTo(commitBranch(config), config.branch);
  return repo;
}

export function logRecorded(log: Logger, plan: NightlyPlan, pushed: PublishResult, drift: number): void {
  log.info(
    {
      fingerprint: shortFingerprint(plan.fingerprint),
      drift,
      kind: plan.commit ? plan.kind : "unchanged",
      record: plan.record?.meta.markdown,
      sha: pushed.sha,
    },
    plan.commit ? "change record pushed" : "drift unchanged since the last record; nothing written",
  );
}

export function printPlan(out: NodeJS.WritableStream, plan: NightlyPlan, report: Report): NightlyResult {
  out.write(planText(plan, report.drift.length));
  return { outcome: "clean", report };
}

/** Write what was delivered into the record's delivery note, so the next run does not deliver it again; 1 when
 *  that failed. A note, not a commit: the branch's history keeps one bot commit per event. */
export async function recordDelivery(
  repo: PolicyRepo,
  config: RunConfig,
  plan: NightlyPlan,
  delivered: Delivered,
  log: Logger,
  secrets: readonly string[],
): Promise<number> {
  const record = plan.record;
  if (!record || Object.keys(delivered.patch).length === 0) return 0;
  try {
    const ref = deliveryNotesRef(config.cluster);
    const object = await blobAtHead(repo, record.jsonPath);
    await publishNote(repo, {
      ref,
      object,
      next: (note) => markDelivered(plan, delivered, note, `${ref}:${object}`),
      retries: config.pushRetries,
      logger: log,
    });
    return 0;
  } catch (err) {
    log.error({ err: redactError(err, secrets) }, "could not record what was delivered; a re-run may deliver it again");
    return 1;
  }
}
