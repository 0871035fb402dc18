import type { WaivedItem } from "../../model/rules.js";
import type { DriftItem, PolicyKey, Report } from "../../model/types.js";
import { markdownCode, markdownText } from "../escape.js";
import { waiverExpiredText, waiverText } from "../rules.js";

// Waivers in the nightly texts: a drift that was recorded and is now waived leaves the drift (the run records it
// as resolved) and every text says it is waived, until when and by whom, not that it is back in sync.

/** Today's waived items that the last record had as drift. */
export function newlyWaived(report: Pick<Report, "waived">, previous: readonly PolicyKey[] | undefined): WaivedItem[] {
  if (!previous || previous.length === 0) return [];
  const before = new Set(previous.map((k) => `${k.namespace}/${k.name}`));
  return (report.waived ?? []).filter((w) => before.has(`${w.namespace}/${w.name}`));
}

/** "- `ns/name` waived until 2027-01-31 by platform-team: reason (rule)" */
export function waivedLine(w: WaivedItem): string {
  return `- ${markdownCode(`${w.namespace}/${w.name}`)} ${markdownText(waiverText(w.waiver))}`;
}

/** " — **waiver expired on …**" after an item line, or "". */
export function expiredSuffix(d: Pick<DriftItem, "waiverExpired">): string {
  return d.waiverExpired ? ` — **${markdownText(waiverExpiredText(d.waiverExpired))}**` : "";
}
