import type { RecordMeta, TextLimit } from "../../model/nightly.js";
import type { Report } from "../../model/types.js";
import { markdownCode } from "../escape.js";
import { renderMarkdown } from "../markdown.js";
import { clip, policies, shortFingerprint, truncateMarkdown } from "../phrases.js";

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
): string {
  const head = `Change record ${markdownCode(meta.markdown)} (fingerprint \`${shortFingerprint(meta.fingerprint)}\`), opened by netpol-drift.\n\n`;
  // renderMarkdown drops whole namespace sections first and says where the rest is; bytes are at least chars.
  const chars = Math.min(limit.chars, limit.bytes ?? Infinity) - head.length;
  const body =
    head +
    renderMarkdown(report, {
      maxLength: Math.max(0, chars),
      fullReportHint: `the full report is in ${markdownCode(meta.markdown)} on this branch`,
      moreFlowsHint: `the record's JSON on this branch lists all`,
    });
  return truncateMarkdown(body, limit, "\n\n_…cut to fit the size limit of this forge._\n");
}

export function closeComment(cluster: string, recordPath: string, limit?: TextLimit): string {
  const text = `Drift on ${markdownCode(cluster)} is resolved: every recorded policy is back in sync. Record: ${markdownCode(recordPath)}. Closed.`;
  return limit ? truncateMarkdown(text, limit, "…") : text;
}
