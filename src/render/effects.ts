// How every renderer states the effect of drift on traffic and the invariant violations, so text, Markdown,
// Slack and the change record say the same thing. The effect comes first, then the diff.
import type {
  AnalysisInfo,
  EffectKind,
  Flow,
  FlowEnd,
  NamespaceEffect,
  SideDecision,
  Violation,
} from "../model/analysis.js";
import { ruleName } from "../analyse/rules.js";
import { markdownCode, markdownText } from "./escape.js";
import {
  EFFECT_ORDER,
  EFFECT_SEVERITY,
  flowCounts,
  flows,
  location,
  notListedMarkdown,
  notListedText,
} from "./phrases.js";

export { EFFECT_SEVERITY, flowCounts };

export function effectHeadline(e: NamespaceEffect): string {
  const n = flowCounts(e);
  const o = `${flows(n.opened)} opened`;
  const c = `${flows(n.closed)} closed`;
  switch (e.effect) {
    case "widens":
      return `WIDENS — ${o}: live allows traffic the desired state does not`;
    case "narrows":
      return `narrows — ${c}: live blocks traffic the desired state allows`;
    case "changes":
      return `CHANGES — ${o}, ${c}`;
    case "none":
      return "none — the drift has no effect on which traffic is allowed";
  }
}

export function flowText(f: Flow): string {
  const ports = f.protocol === "any" ? "any protocol, all ports" : `${f.protocol} ${f.ports}`;
  return `${endText(f.source, f.from)} → ${endText(f.destination, f.to)}  ${ports}`;
}

/** Namespaces and classes named per flow end in text and Markdown; JSON lists them all. */
export const END_ITEMS_SHOWN = 8;

/**
 * A flow end for people: its text, or when it lists more than END_ITEMS_SHOWN namespaces or classes, the
 * first few and how many more ("ns:{a,b,…+492 more}/pod:*").
 */
export function endText(text: string, end: FlowEnd | undefined): string {
  if (!end) return text;
  const items =
    (end.namespaces?.length ?? 0) +
    (end.pods?.length ?? 0) +
    (end.except?.namespaces?.length ?? 0) +
    (end.except?.pods?.length ?? 0);
  if (items <= END_ITEMS_SHOWN) return text;
  const list = (namespaces: string[] = [], pods: string[] = []) => {
    const parts: string[] = [];
    const ns = namespaces.slice(0, END_ITEMS_SHOWN);
    const moreNs = namespaces.length - ns.length;
    if (ns.length === 1 && moreNs === 0) parts.push(`ns:${ns[0]}/pod:*`);
    else if (ns.length > 0) parts.push(`ns:{${ns.join(",")}${moreNs > 0 ? `,…+${moreNs} more` : ""}}/pod:*`);
    const shown = pods.slice(0, Math.max(1, END_ITEMS_SHOWN - ns.length));
    parts.push(...shown);
    if (pods.length > shown.length) parts.push(`…+${pods.length - shown.length} more pod classes`);
    return parts.join(", ");
  };
  const pods = end.namespaces?.includes("*")
    ? `ns:*/pod:*${end.except ? ` except ${list(end.except.namespaces, end.except.pods)}` : ""}`
    : list(end.namespaces, end.pods);
  return [pods, ...(end.addresses?.length ? [end.addresses.join(", ")] : [])].filter(Boolean).join(", ");
}

/** The live side of a flow: which rules let it through, or what isolates it. */
export function liveDecisionText(f: Flow): string {
  return `live: egress ${decisionText(f.egress, "egress")}; ingress ${decisionText(f.ingress, "ingress")}`;
}

export function decisionText(d: SideDecision, dir: "ingress" | "egress"): string {
  if (!d.isolated) return `open (not selected by any ${dir} policy)`;
  if (d.rules.length > 0) return `allowed by ${d.rules.map(ruleName).join(", ")}`;
  return `denied (selected by ${d.policies.join(", ")}; no rule allows it)`;
}

/** "1 widens, 2 none" for a summary line; empty when there is nothing to say. */
export function effectsSummary(effects: NamespaceEffect[] | undefined): string {
  if (!effects || effects.length === 0) return "";
  const counts = new Map<EffectKind, number>();
  for (const e of effects) counts.set(e.effect, (counts.get(e.effect) ?? 0) + 1);
  return EFFECT_ORDER.filter((k) => counts.has(k))
    .map((k) => `${counts.get(k)} ${k}`)
    .join(", ");
}

export function effectOf(effects: NamespaceEffect[] | undefined, namespace: string): NamespaceEffect | undefined {
  return effects?.find((e) => e.namespace === namespace);
}

/** Flows listed per direction in text and Markdown: past a handful the list buries the drift. JSON keeps all. */
export const FLOWS_SHOWN = 5;

export interface FlowListOptions {
  /** Opened and closed flows listed each; default FLOWS_SHOWN. */
  maxFlows?: number;
  /** Where the rest is, said after "… and N more"; default "-o json lists all". */
  moreHint?: string;
}

/**
 * Widest first, so a cut list keeps what matters: flows to or from outside the cluster, then every port,
 * then whole namespaces; otherwise the analysis' order. Stable.
 */
export function rankFlows(flows: Flow[]): Flow[] {
  const external = (endpoint: string) => !endpoint.startsWith("ns:");
  const width = (f: Flow) =>
    (external(f.source) || external(f.destination) ? 4 : 0) +
    (f.ports === "all" ? 2 : 0) +
    (f.source.endsWith("/pod:*") || f.destination.endsWith("/pod:*") ? 1 : 0);
  return flows
    .map((f, i) => ({ f, i, w: width(f) }))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .map((x) => x.f);
}

/** The flows to list (opened, which widen, before closed) and how many of each are left out. */
export function shownFlows(
  e: NamespaceEffect,
  max = FLOWS_SHOWN,
): { opened: Flow[]; closed: Flow[]; moreOpened: number; moreClosed: number } {
  const opened = rankFlows(e.opened).slice(0, max);
  const closed = rankFlows(e.closed).slice(0, max);
  return { opened, closed, moreOpened: e.opened.length - opened.length, moreClosed: e.closed.length - closed.length };
}

function moreText(n: number, change: "opened" | "closed", hint: string): string {
  return `… and ${n} more ${change} ${n === 1 ? "flow" : "flows"} (${hint})`;
}

/** Plain lines for the terminal, indented by the caller. */
export function effectLines(e: NamespaceEffect, opts: FlowListOptions = {}): string[] {
  const hint = opts.moreHint ?? "-o json lists all";
  const shown = shownFlows(e, opts.maxFlows);
  const out = [`effect: ${effectHeadline(e)}`];
  if (e.counts) return e.effect === "none" ? out : [...out, `  (flows not listed: ${notListedText(e)})`];
  for (const f of shown.opened) out.push(`  + ${flowText(f)}`, `      ${liveDecisionText(f)}`);
  if (shown.moreOpened > 0) out.push(`  + ${moreText(shown.moreOpened, "opened", hint)}`);
  for (const f of shown.closed) out.push(`  - ${flowText(f)}`, `      ${liveDecisionText(f)}`);
  if (shown.moreClosed > 0) out.push(`  - ${moreText(shown.moreClosed, "closed", hint)}`);
  return out;
}

export function effectMarkdown(e: NamespaceEffect, opts: FlowListOptions = {}): string[] {
  const out = [`**Effect: ${effectHeadline(e)}**`, ""];
  if (e.counts && e.effect !== "none") return [...out, notListedMarkdown(e), ""];
  if (e.opened.length + e.closed.length === 0) return out;
  const hint = opts.moreHint ?? "-o json lists all";
  const shown = shownFlows(e, opts.maxFlows);
  out.push(
    "| | source | destination | protocol | ports | live egress | live ingress |",
    "|---|---|---|---|---|---|---|",
  );
  const row = (mark: string, f: Flow) =>
    `| ${mark} | ${markdownCode(endText(f.source, f.from), { table: true })} | ${markdownCode(endText(f.destination, f.to), { table: true })} | ${f.protocol} | ${markdownText(f.ports)} | ${markdownText(decisionText(f.egress, "egress"))} | ${markdownText(decisionText(f.ingress, "ingress"))} |`;
  for (const f of shown.opened) out.push(row("opened", f));
  for (const f of shown.closed) out.push(row("closed", f));
  out.push("");
  const more = [
    shown.moreOpened > 0 ? moreText(shown.moreOpened, "opened", hint) : "",
    shown.moreClosed > 0 ? moreText(shown.moreClosed, "closed", hint) : "",
  ].filter(Boolean);
  if (more.length > 0) out.push(`_${markdownText(more.join("; "))}._`, "");
  return out;
}

export function violationText(v: Violation): string {
  const where = v.file ? ` (${location(v.file, v.line)})` : "";
  return `[${v.side}] ${v.invariant}: ${v.message}${where}`;
}

export function analysisNote(info: AnalysisInfo | undefined): string[] {
  return info ? info.notes : [];
}
