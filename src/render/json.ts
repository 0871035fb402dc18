import type { Report } from "../model/types.js";

/** The JSON contract (see README "JSON report"): fields may be added, never removed or renamed. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
