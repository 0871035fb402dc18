import { redactError } from "../config/redact.js";
import type { RunConfig } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import type { Report } from "../model/types.js";
import { markdownCode } from "../render/escape.js";
import { renderMarkdown } from "../render/markdown.js";
import type { Platform } from "../sinks/forge/platform.js";
import type { Digest, DigestKind } from "../sinks/notify-types.js";
import { shortFingerprint } from "../sinks/record/fingerprint.js";
import type { Delivery } from "../sinks/record/record.js";
import { buildDigest } from "./run-digest.js";
import type { RecordOutcome, RecordState } from "./run-record.js";

// After the git record is pushed: the PR/MR and the Slack digest. Each is tried on its own; a failure is
// logged and counted, never thrown, so one cannot stop the other and neither can lose the git record.
// What was delivered comes back as a patch for the record's `delivery`, so a re-run does only what is missing.

/** GitHub's body limit is 65,536 characters; leave room for the header line above the report. */
const BODY_MAX = 60_000;

export interface DeliverInput {
  config: RunConfig;
  report: Report;
  fingerprint: string;
  outcome: RecordOutcome;
  platform?: Platform;
  notify?: (digest: Digest) => Promise<void>;
  logger: Logger;
  now: Date;
  secrets: readonly string[];
}

export interface DeliverResult {
  patch: Delivery;
  failures: number;
  prUrl?: string;
}

export function driftBranch(cluster: string): string {
  return `netpol-drift/${cluster}`;
}

export async function deliver(input: DeliverInput): Promise<DeliverResult> {
  const { config, outcome, logger } = input;
  const patch: Delivery = {};
  let failures = 0;
  let prUrl = outcome.current?.meta.delivery.changeRequest?.url;
  const cur = outcome.current;
  if (cur && config.push === "pr" && input.platform) {
    try {
      const cr = await syncChangeRequest(input.platform, input, cur);
      if (cr) {
        patch.changeRequest = cr;
        prUrl = cr.url ?? prUrl;
      }
    } catch (err) {
      failures++;
      logger.error(
        { forge: input.platform.name, err: redactError(err, input.secrets) },
        "forge step failed; the git record is kept and a re-run completes it",
      );
    }
  }
  const kind = digestKind(config.notify, outcome);
  if (kind && input.notify) {
    const digest = buildDigest({
      kind,
      cluster: config.cluster,
      report: input.report,
      fingerprint: input.fingerprint,
      record: cur?.meta,
      prUrl,
    });
    try {
      await input.notify(digest);
      if (cur && kind !== "unchanged") patch.slack = { sentAt: input.now.toISOString() };
      logger.info({ kind, total: digest.total }, "digest sent");
    } catch (err) {
      failures++;
      logger.error(
        { err: redactError(err, input.secrets) },
        "notification failed; the git record is kept and a re-run sends it",
      );
    }
  }
  return { patch, failures, ...(prUrl ? { prUrl } : {}) };
}

/** Which digest this run owes, if any: news once, a missed one again, everything under `always`. */
export function digestKind(notify: RunConfig["notify"], outcome: RecordOutcome): DigestKind | undefined {
  if (notify === "never") return undefined;
  const cur = outcome.current;
  const owed = cur && (outcome.written || !cur.meta.delivery.slack) ? cur.meta.kind : undefined;
  return owed ?? (notify === "always" ? "unchanged" : undefined);
}

/** The PR/MR description: which record it is about, then the report's Markdown, cut to the forge's limit. Pure. */
export function changeRequestBody(report: Report, meta: Pick<RecordState["meta"], "markdown" | "fingerprint">): string {
  return [
    `Change record ${markdownCode(meta.markdown)} (fingerprint \`${shortFingerprint(meta.fingerprint)}\`), opened by netpol-drift.`,
    "",
    renderMarkdown(report, {
      maxLength: BODY_MAX,
      fullReportHint: `the full report is in ${markdownCode(meta.markdown)} on this branch`,
      moreFlowsHint: `the record's JSON on this branch lists all`,
    }),
  ].join("\n");
}

async function syncChangeRequest(
  platform: Platform,
  input: DeliverInput,
  cur: RecordState,
): Promise<Delivery["changeRequest"]> {
  const { config } = input;
  const source = driftBranch(config.cluster);
  const done = cur.meta.delivery.changeRequest;
  if (cur.meta.kind === "resolved") {
    if (!input.outcome.written && done?.closed) return undefined;
    const open = await platform.findOpen(source, config.branch);
    if (!open) return { closed: true };
    // Close first: a re-run after a failed close would otherwise comment a second time. A failed comment after
    // the close leaves the resolution in the CHANGELOG and the record, where it counts.
    await platform.close(open.id);
    await platform.comment(
      open.id,
      `Drift on ${markdownCode(config.cluster)} is resolved: every recorded policy is back in sync. Record: ${markdownCode(cur.meta.markdown)}. Closed.`,
    );
    input.logger.info({ id: open.id, url: open.url }, "change request closed");
    return { id: open.id, url: open.url, closed: true };
  }
  // Already opened for this record: a human may have closed it since; reopening nightly would be spam.
  if (!input.outcome.written && done?.url) return undefined;
  const n = input.report.drift.length;
  const title = `NetworkPolicy drift on ${config.cluster}: ${n} ${n === 1 ? "policy" : "policies"}`;
  const body = changeRequestBody(input.report, cur.meta);
  const open = await platform.findOpen(source, config.branch);
  const cr = open
    ? await platform.update(open.id, { title, body })
    : await platform.create({ sourceBranch: source, targetBranch: config.branch, title, body });
  input.logger.info(
    { id: cr.id, url: cr.url, updated: Boolean(open) },
    open ? "change request updated" : "change request opened",
  );
  return { id: cr.id, url: cr.url };
}
