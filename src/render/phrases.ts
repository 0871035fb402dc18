// The small phrases every renderer shares, written once: counts with their plural, a file:line location, the
// severity order of effects and the flow counts that state an effect, and the one Markdown truncator. The
// report, the change record, the CHANGELOG, the PR/MR body and the Slack digest all say it the same way.

import type { EffectKind, NamespaceEffect } from "../model/analysis.js";
import type { TextLimit } from "../model/nightly.js";
import { cmp } from "../util/compare.js";

/** "1 policy", "3 policies": the count and its noun, singular only for exactly one. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const policies = (n: number): string => count(n, "policy", "policies");
export const flows = (n: number): string => count(n, "flow");

/** `file:line`, or the file alone; "" without a file. */
export function location(file: string | undefined, line?: number): string {
  if (!file) return "";
  return line ? `${file}:${line}` : file;
}

/** Most severe first: a widening is an incident, an equivalent rewrite is not. */
export const EFFECT_SEVERITY: Record<EffectKind, number> = { widens: 3, changes: 2, narrows: 1, none: 0 };

/** Effect kinds, most severe first. */
export const EFFECT_ORDER: readonly EffectKind[] = ["widens", "changes", "narrows", "none"];

/** Namespaces' effects most severe first, then by namespace name. */
export function bySeverity<T extends { effect: EffectKind; namespace: string }>(effects: readonly T[]): T[] {
  return [...effects].sort(
    (a, b) => EFFECT_SEVERITY[b.effect] - EFFECT_SEVERITY[a.effect] || cmp(a.namespace, b.namespace),
  );
}

/** How many flows opened and closed: listed ones, or the counts kept past the flow cap or under `--analysis summary`. */
export function flowCounts(e: NamespaceEffect): { opened: number; closed: number } {
  return e.counts ?? { opened: e.opened.length, closed: e.closed.length };
}

/** Why a namespace shows counts instead of flows (plain text). */
export function notListedText(e: NamespaceEffect): string {
  return e.notListed === "cap" ? "past the report's flow cap; --max-flows 0 lists every flow" : "--analysis summary";
}

/** The same, as a Markdown paragraph. */
export function notListedMarkdown(e: NamespaceEffect): string {
  return e.notListed === "cap"
    ? "_Flows not listed: past the report's flow cap (`--max-flows 0` lists every flow)._"
    : "_Flows not listed (`--analysis summary`)._";
}

/** "3 flows opened, 1 closed": how every renderer states the size of an effect. */
export function flowCountText(n: { opened: number; closed: number }): string {
  return `${flows(n.opened)} opened, ${n.closed} closed`;
}

/** The 12 hex digits a person reads of a fingerprint. */
export function shortFingerprint(fp: string): string {
  return fp.slice(0, 12);
}

/** Cut plain text to at most `max` characters, marking the cut, never inside a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let head = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}

/**
 * The one Markdown truncator: cut `text` so that it and `note` fit `limit` (UTF-16 units and, when given, UTF-8
 * bytes), at a line end where one is near, never inside a surrogate pair, closing a code fence the cut leaves
 * open so the note is not swallowed by it.
 */
export function truncateMarkdown(text: string, limit: TextLimit, note: string): string {
  const fits = (s: string) =>
    s.length <= limit.chars && (limit.bytes === undefined || Buffer.byteLength(s, "utf8") <= limit.bytes);
  if (fits(text)) return text;
  let keep = Math.min(text.length, limit.chars);
  for (;;) {
    const candidate = closeFence(text.slice(0, keep)) + note;
    if (keep <= 0 || fits(candidate)) break;
    // Each UTF-16 unit is at least one UTF-8 byte, so dropping the excess converges in a step or two.
    const overBytes = limit.bytes === undefined ? 0 : Buffer.byteLength(candidate, "utf8") - limit.bytes;
    keep -= Math.max(1, overBytes, candidate.length - limit.chars);
  }
  let head = text.slice(0, Math.max(0, keep));
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const lineEnd = head.lastIndexOf("\n");
  // A whole last line unless that throws away most of what fits (one giant line).
  if (lineEnd > 0 && lineEnd >= head.length / 2) head = head.slice(0, lineEnd);
  return closeFence(head) + note;
}

/** `text` with the code fence it leaves open closed (a fence closes only with one at least as long). */
function closeFence(text: string): string {
  let open: string | undefined;
  for (const line of text.split("\n")) {
    const m = /^(`{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (!open) open = m[1];
    else if ((m[1] as string).length >= open.length && (m[2] as string).trim() === "") open = undefined;
  }
  return open ? `${text}\n${open}` : text;
}
