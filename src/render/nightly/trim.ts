import type { Trimmed } from "../../model/nightly.js";
import type { Report } from "../../model/types.js";

export type { Trimmed };

// What a change record leaves out to stay small. The record is committed to the policy repository on every
// change: at a thousand drifted namespaces the full JSON report runs to megabytes (the per-policy diffs and
// every flow), so past a budget the record keeps what the next run and a reviewer need — every drifted
// policy by name and state, the effect kind and flow counts per namespace — and counts what it left out.
// `netpol-drift report -o json` on the same inputs reproduces the full report.

/** Each file of a record stays under this many bytes (GitHub refuses 100 MB; reviews give up much earlier). */
export const RECORD_FILE_BUDGET = 512 * 1024;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * The report as the record's JSON carries it, and what was left out: the whole report when it fits, else
 * step by step less until `render(report)` fits the budget.
 */
export function fitReport(
  report: Report,
  render: (r: Report, trimmed?: Trimmed) => string,
  budget = RECORD_FILE_BUDGET,
): { report: Report; trimmed?: Trimmed; text: string } {
  const full = render(report);
  if (bytes(full) <= budget) return { report, text: full };
  const flows = (report.effects ?? []).reduce((n, e) => n + e.opened.length + e.closed.length, 0);
  const summary = {
    ...report,
    // The per-item hash goes with the diffs: the record's fingerprint already holds what it was for.
    drift: report.drift.map(({ hash: _hash, ...d }) => ({ ...d, diff: "" })),
    ...(report.effects
      ? {
          effects: report.effects.map((e) => ({
            namespace: e.namespace,
            effect: e.effect,
            opened: [],
            closed: [],
            counts: e.counts ?? { opened: e.opened.length, closed: e.closed.length },
          })),
        }
      : {}),
  };
  let trimmed: Trimmed = { diffs: report.drift.filter((d) => d.diff).length, flows };
  let text = render(summary, trimmed);
  if (bytes(text) <= budget) return { report: summary, trimmed, text };
  const bare: Report = {
    ...summary,
    drift: summary.drift.map((d) => ({ ...d, changes: [] })),
    ...(report.violations ? { violations: [] } : {}),
  };
  trimmed = {
    ...trimmed,
    changes: report.drift.reduce((n, d) => n + d.changes.length, 0),
    ...(report.violations ? { violations: report.violations.length } : {}),
  };
  text = render(bare, trimmed);
  if (bytes(text) <= budget) return { report: bare, trimmed, text };
  // Still too big (tens of thousands of drifted policies): keep the drift items that fit, in order.
  let keep = Math.floor(bare.drift.length * (budget / bytes(text)) * 0.9);
  for (;;) {
    const cut: Report = { ...bare, drift: bare.drift.slice(0, keep) };
    const t = { ...trimmed, driftItems: bare.drift.length - keep };
    text = render(cut, t);
    if (bytes(text) <= budget || keep === 0) return { report: cut, trimmed: t, text };
    keep = Math.floor(keep * 0.9);
  }
}
