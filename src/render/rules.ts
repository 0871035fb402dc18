import type { CheckResult } from "../model/check.js";
import type { ReportRules, WaivedItem, WaiverRef } from "../model/rules.js";
import { markdownCode, markdownText, terminal as t } from "./escape.js";
import { STATE_MARK } from "./format.js";

// What the rules file did to a report, said the same way in text and Markdown: waived drift with its reason
// and date, expired and soon-ending waivers, waivers that match nothing, expected live-only policies. Plain
// sentences first (`waiverText`, …), escaped per medium by the two renderers below.

export function waiverText(w: WaiverRef & { expiresSoon?: boolean }): string {
  return `waived until ${w.expires}${w.expiresSoon ? " (ends within 7 days)" : ""} by ${w.owner}: ${w.reason} (${w.rule})`;
}

export function waiverExpiredText(w: WaiverRef): string {
  return `waiver expired on ${w.expires} (${w.owner}: ${w.reason}, ${w.rule})`;
}

/** Lines about the waivers themselves: what ran out, what ends soon, what covers nothing. */
export function waiverNotes(rules: ReportRules | undefined): string[] {
  if (!rules) return [];
  const out: string[] = [];
  for (const w of rules.expired) out.push(`${waiverExpiredText(w)}: the drift it covered is drift again`);
  for (const w of rules.expiringSoon)
    out.push(`waiver ends ${w.expires} (within 7 days): ${w.reason} (${w.rule}, ${w.owner})`);
  for (const w of rules.unmatched) out.push(`waiver matches no drift: ${w.reason} (${w.rule}, ${w.owner}); remove it?`);
  if (rules.expected.length > 0) {
    out.push(
      `${rules.expected.length} live-only ${rules.expected.length === 1 ? "policy" : "policies"} expected by the unmanaged allow-list (-o json lists them)`,
    );
  }
  if (rules.outsideDesiredNamespaces > 0) {
    out.push(
      `${rules.outsideDesiredNamespaces} live-only ${rules.outsideDesiredNamespaces === 1 ? "policy" : "policies"} outside the desired folder's namespaces, not reported (unmanagedIn: desired-namespaces)`,
    );
  }
  return out;
}

/** The terminal section: one line per waived item, then the notes. `dim` colours our own text. */
export function rulesTextLines(waived: WaivedItem[] | undefined, rules: ReportRules | undefined): string[] {
  const out: string[] = [];
  if (waived && waived.length > 0) {
    out.push("", `waived (${waived.length}, not drift):`);
    for (const w of waived) {
      out.push(
        `  ${STATE_MARK[w.state]} ${w.state.padEnd(9)} ${t(`${w.namespace}/${w.name}`)}  ${t(waiverText(w.waiver))}`,
      );
    }
  }
  const notes = waiverNotes(rules);
  if (notes.length > 0) out.push("", ...notes.map((n) => `rules: ${t(n)}`));
  return out;
}

/** The Markdown section: a table of waived items, then the notes as a list. */
export function rulesMarkdownLines(waived: WaivedItem[] | undefined, rules: ReportRules | undefined): string[] {
  const out: string[] = [];
  if (waived && waived.length > 0) {
    out.push(
      `### Waived (${waived.length}, not drift)`,
      "",
      "| namespace | policy | state | until | owner | reason |",
      "|---|---|---|---|---|---|",
    );
    for (const w of waived) {
      const until = `${markdownText(w.waiver.expires)}${w.waiver.expiresSoon ? " (ends within 7 days)" : ""}`;
      out.push(
        `| ${markdownCode(w.namespace, { table: true })} | ${markdownCode(w.name, { table: true })} | ${w.state} | ${until} | ${markdownText(w.waiver.owner)} | ${markdownText(w.waiver.reason)} |`,
      );
    }
    out.push("");
  }
  const notes = waiverNotes(rules);
  if (notes.length > 0) out.push("### Rules", "", ...notes.map((n) => `- ${markdownText(n)}`), "");
  return out;
}

/** One of `check`'s findings about a waiver: what ran out, what ends soon, what covers nothing. */
export interface WaiverNote {
  kind: "expired" | "ending" | "unmatched";
  waiver: WaiverRef;
  /** Plain text; each renderer escapes it for its medium. */
  text: string;
}

export function checkWaiverNotes(w: CheckResult["waivers"]): WaiverNote[] {
  if (!w) return [];
  return [
    ...w.expired.map((x) => ({
      kind: "expired" as const,
      waiver: x,
      text: `${waiverExpiredText(x)}: renew it or remove it`,
    })),
    ...w.expiringSoon.map((x) => ({
      kind: "ending" as const,
      waiver: x,
      text: `waiver ends ${x.expires} (within 7 days): ${x.reason} (${x.rule}, ${x.owner})`,
    })),
    ...w.unmatched.map((x) => ({
      kind: "unmatched" as const,
      waiver: x,
      text: `waiver matches no policy of the desired folder: ${x.reason} (${x.rule}, ${x.owner}); a live-only policy, or a typo?`,
    })),
  ];
}

/** `check`'s lines about the waivers (plain text; the caller escapes): none when all is well. */
export function checkWaiverLines(w: CheckResult["waivers"]): string[] {
  return checkWaiverNotes(w).map((n) => n.text);
}

/** A waiver's `file:line` as its parts (the line absent when the reference has none). */
export function waiverLocation(w: WaiverRef): { file: string; line?: number } {
  const m = /^(.*):(\d+)$/.exec(w.rule);
  return m ? { file: m[1] as string, line: Number(m[2]) } : { file: w.rule };
}
