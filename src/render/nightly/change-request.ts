import type { RecordMeta, TextLimit } from "../../model/nightly.js";
import type { Report } from "../../model/types.js";
import { markdownCode } from "../escape.js";
import { clip, policies, shortFingerprint, truncateMarkdown } from "../phrases.js";
import { renderDriftMarkdown } from "./change-request-body.js";
import { waivedLine } from "./waived.js";
import { type AcceptRefused, acceptRefusedMarkdown, type RevertStep, revertMarkdown } from "./revert.js";
import type { WaivedItem } from "../../model/rules.js";

// The PR/MR title, description and closing comment. The forge declares its limits (sinks/forge/<forge>/);
// the text is cut here, once, to fit them.

/** GitHub's limit, the default when no forge says otherwise (the body test renders without a forge). */
const DEFAULT_BODY: TextLimit = { chars: 65_536 };

export function changeRequestTitle(cluster: string, drifted: number, max = 255): string {
  return clip(`NetworkPolicy drift on ${cluster}: ${policies(drifted)}`, max);
}

/** The PR/MR description: which record it is about, then the report's Markdown, cut to the forge's limit. */
export function changeRequestBody(
  report: Report,
  meta: Pick<RecordMeta, "markdown" | "fingerprint">,
  limit: TextLimit = DEFAULT_BODY,
  accept?: { desiredPath: string; refused: readonly AcceptRefused[]; steps: readonly RevertStep[]; base: string },
): string {
  const head = `Change record ${markdownCode(meta.markdown)} (fingerprint \`${shortFingerprint(meta.fingerprint)}\`), opened by netpol-drift.\n`;
  return renderDriftMarkdown(report, head, {
    ...(accept ? { afterSevere: acceptSection(accept, meta.markdown, limit) } : {}),
    limit,
    fullReportHint: `the full report is in ${markdownCode(meta.markdown)} on this branch`,
    moreFlowsHint: `the record's JSON on this branch lists all`,
  });
}

/** Merge = accept, what it leaves out and why, then the revert commands: kept to a quarter of the body. */
function acceptSection(
  accept: { desiredPath: string; refused: readonly AcceptRefused[]; steps: readonly RevertStep[]; base: string },
  record: string,
  limit: TextLimit,
): string {
  const parts = [
    `**Merging accepts:** this branch writes the live state into ${markdownCode(accept.desiredPath)}; after the merge the next run reports it in sync. Drop a file from the PR to keep git's version of its policies.`,
    acceptRefusedMarkdown(accept.refused),
    revertMarkdown(accept.steps, {
      base: accept.base,
      maxChars: Math.floor(limit.chars / 4),
      moreHint: `all commands are in ${markdownCode(record)} on this branch`,
    }),
  ];
  return parts.filter(Boolean).join("\n\n");
}

export function closeComment(
  cluster: string,
  recordPath: string,
  limit?: TextLimit,
  waived: readonly WaivedItem[] = [],
): string {
  const what =
    waived.length === 0
      ? "every recorded policy is back in sync. "
      : `the recorded policies are back in sync or waived:\n\n${waived.map(waivedLine).join("\n")}\n\n`;
  const text = `Drift on ${markdownCode(cluster)} is resolved: ${what}Record: ${markdownCode(recordPath)}. Closed.`;
  return limit ? truncateMarkdown(text, limit, "…") : text;
}
