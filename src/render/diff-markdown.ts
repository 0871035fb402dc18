// `netpol-drift diff` as a PR/MR comment: what opens traffic and what breaks the baseline first, then what
// narrows, then the policies and their diffs collapsed. Forges cap a comment (GitHub 65,536 characters), so
// the body is built against a budget: every widening namespace and every new violation is kept — in full
// while there is room, as one line each when there is not — and only the tail below them is summarised.
import type { Flow, NamespaceEffect, Violation } from "../model/analysis.js";
import type { DiffResult } from "../model/diff.js";
import { decisionText, shownFlows } from "./effects.js";
import { diffHeadline, diffVerdict, diffViolationText, policySummary, rankEffects, sideText } from "./diff.js";
import { markdownCode, markdownFence, markdownText, visible } from "./escape.js";
import { valueText } from "./format.js";
import { pathUnder } from "../util/location.js";
import { checkWaiverLines } from "./rules.js";
import { notListedMarkdown } from "./phrases.js";

/** GitHub's comment limit, less room for a CI's own wrapper text. */
export const COMMENT_LIMIT = 65_000;

export function renderDiffMarkdown(r: DiffResult, opts: { maxLength?: number } = {}): string {
  const budget = opts.maxLength ?? COMMENT_LIMIT;
  const head = [
    `## NetworkPolicy change — ${code(sideText(r.base))} → ${code(sideText(r.head))}`,
    "",
    `**${cell(diffVerdict(r))}** — ${cell(policySummary(r))}`,
    "",
    "",
  ].join("\n");
  const ranked = rankEffects(r.effects);
  const severe = ranked.filter((e) => e.effect === "widens" || e.effect === "changes");
  const groups = [
    {
      title:
        severe.length > 0 ? `### Opens traffic (${severe.length} namespace${severe.length === 1 ? "" : "s"})\n\n` : "",
      items: severe.map((e) => ({
        full: namespaceSection(r, e),
        compact: `- ${code(e.namespace)}: ${cell(diffHeadline(e))}\n`,
      })),
    },
    {
      title:
        r.violations.introduced.length > 0
          ? `\n### New baseline violations (${r.violations.introduced.length})\n\n`
          : "",
      items: r.violations.introduced.map((v) => ({
        full: `- ${violationLine(v, r.head.root)}\n`,
        compact: `- ${code(v.invariant)} in ${code(v.namespace)}${v.policy ? ` (${code(v.policy)})` : ""}\n`,
      })),
    },
  ];
  const tailNote = 200;
  // What the severe items need at the least (one line each); each is given in full while that still leaves room.
  let owed = groups.reduce((n, g) => n + g.title.length + g.items.reduce((m, it) => m + it.compact.length, 0), 0);
  let out = head + problemsBlock(r) + waiversBlock(r);
  let lost = 0;
  for (const g of groups) {
    out += g.title;
    owed -= g.title.length;
    for (const it of g.items) {
      owed -= it.compact.length;
      const room = budget - tailNote - out.length;
      if (it.full.length + owed <= room) out += it.full;
      else if (it.compact.length <= room) out += it.compact;
      else lost++;
    }
  }
  if (lost > 0) out += `\n_${lost} more severe item(s) do not fit a comment; \`-o json\` lists all._\n`;
  const tail = [narrowsBlock(r, ranked), fixedBlock(r), policiesBlock(r), diffsBlock(r), notesBlock(r)].filter(
    (b) => b.text,
  );
  for (let i = 0; i < tail.length; i++) {
    const b = tail[i]!;
    if (out.length + b.text.length + tailNote <= budget) out += b.text;
    else {
      out += `\n_Not shown to fit a comment: ${tail
        .slice(i)
        .map((t) => t.what)
        .join(", ")}; \`-o json\` has everything._\n`;
      break;
    }
  }
  return out.length > budget ? out.slice(0, out.lastIndexOf("\n", budget - 1) + 1) : out;
}

function namespaceSection(r: DiffResult, e: NamespaceEffect): string {
  const out = [`#### ${code(e.namespace)} — ${cell(diffHeadline(e))}`, ""];
  if (e.counts && e.effect !== "none") out.push(notListedMarkdown(e), "");
  const shown = shownFlows(e);
  if (shown.opened.length + shown.closed.length > 0) {
    out.push(
      "| | source | destination | protocol | ports | head egress | head ingress |",
      "|---|---|---|---|---|---|---|",
    );
    for (const f of shown.opened) out.push(flowRow("opened", f));
    for (const f of shown.closed) out.push(flowRow("closed", f));
    const more = [
      shown.moreOpened ? `${shown.moreOpened} more opened` : "",
      shown.moreClosed ? `${shown.moreClosed} more closed` : "",
    ].filter(Boolean);
    if (more.length > 0) out.push("", `_… and ${more.join(", ")} (\`-o json\` lists all)._`);
    out.push("");
  }
  const changed = r.policies.filter((p) => p.namespace === e.namespace);
  if (changed.length > 0) out.push(`Policies: ${changed.map((p) => `${p.change} ${code(p.name)}`).join(", ")}`, "");
  return out.join("\n") + "\n";
}

function flowRow(mark: string, f: Flow): string {
  return `| ${mark} | ${code(f.source)} | ${code(f.destination)} | ${cell(f.protocol)} | ${cell(f.ports)} | ${cell(decisionText(f.egress, "egress"))} | ${cell(decisionText(f.ingress, "ingress"))} |`;
}

function violationLine(v: Violation, root: string): string {
  return cell(diffViolationText(v, root));
}

function waiversBlock(r: DiffResult): string {
  const lines = checkWaiverLines(r.waivers);
  return lines.length === 0 ? "" : ["### Waivers", "", ...lines.map((l) => `- ${markdownText(l)}`), "", ""].join("\n");
}

function problemsBlock(r: DiffResult): string {
  if (r.problems.length === 0) return "";
  const lines = r.problems
    .slice(0, 50)
    .map(
      (p) =>
        `- [${p.side}] ${p.file ? `${code(pathUnder(p.side === "base" ? r.base.root : r.head.root, p.file))}${p.line ? `:${p.line}` : ""}: ` : ""}${cell(p.message)}`,
    );
  if (r.problems.length > 50) lines.push(`- … and ${r.problems.length - 50} more`);
  return [`### Problems (${r.problems.length}) — no verdict until they are fixed`, "", ...lines, "", ""].join("\n");
}

function narrowsBlock(r: DiffResult, ranked: NamespaceEffect[]) {
  const narrows = ranked.filter((e) => e.effect === "narrows");
  const none = ranked.filter((e) => e.effect === "none");
  const lines: string[] = [];
  if (narrows.length > 0)
    lines.push(
      `\n### Narrows traffic (${narrows.length})\n`,
      ...narrows.map(
        (e) =>
          `<details><summary>${html(e.namespace)} — ${html(diffHeadline(e))}</summary>\n\n${namespaceSection(r, e)}\n</details>\n`,
      ),
    );
  if (none.length > 0)
    lines.push(
      `\n_No effect on traffic in ${none.length} namespace(s): ${none
        .slice(0, 30)
        .map((e) => code(e.namespace))
        .join(", ")}${none.length > 30 ? ", …" : ""}._\n`,
    );
  return { what: "narrowing namespaces", text: lines.join("\n") };
}

function fixedBlock(r: DiffResult) {
  if (r.violations.fixed.length === 0) return { what: "fixed violations", text: "" };
  return {
    what: "fixed violations",
    text: [
      `\n### Fixed baseline violations (${r.violations.fixed.length})`,
      "",
      ...r.violations.fixed.map((v) => `- ${violationLine(v, r.base.root)}`),
      "",
    ].join("\n"),
  };
}

function policiesBlock(r: DiffResult) {
  if (r.policies.length === 0) return { what: "the policy table", text: "" };
  const rows = r.policies.map(
    (p) =>
      `| ${p.change} | ${code(p.namespace)} | ${code(p.name)} | ${p.file ? code(pathUnder(p.change === "removed" ? r.base.root : r.head.root, p.file)) : ""} | ${cell(
        p.changes
          .map((c) => `${c.path}: ${valueText(c.base)} → ${valueText(c.head)}`)
          .join("; ")
          .slice(0, 300),
      )} |`,
  );
  return {
    what: "the policy table",
    text: [
      `\n<details><summary>Policies changed (${r.policies.length})</summary>\n`,
      "| change | namespace | policy | file | fields |",
      "|---|---|---|---|---|",
      ...rows,
      "\n</details>\n",
    ].join("\n"),
  };
}

function diffsBlock(r: DiffResult) {
  const changed = r.policies.filter((p) => p.change === "changed");
  if (changed.length === 0) return { what: "the diffs", text: "" };
  const parts = changed.map((p) => `${fence(p.diff.trimEnd(), "diff")}\n`);
  return {
    what: "the diffs",
    text: `\n<details><summary>Diffs of the normalised policies (${changed.length})</summary>\n\n${parts.join("\n")}\n</details>\n`,
  };
}

function notesBlock(r: DiffResult) {
  return {
    what: "notes",
    text: r.analysis.notes.length > 0 ? `\n${r.analysis.notes.map((n) => `_${cell(n)}_`).join("\n")}\n` : "",
  };
}

// Text from the repository is untrusted: every value goes through the Markdown functions of render/escape.
const code = (s: string) => markdownCode(s, { table: true });
const cell = markdownText;
const fence = (s: string, lang: string) => markdownFence(s, lang);

function html(s: string): string {
  return visible(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
