// Digest → one Slack message (Block Kit), pure. Slack's limits (docs.slack.dev/reference/block-kit/blocks):
// at most 50 blocks a message, a section's text 3,000 characters, a header's plain_text 150, a context at most 10
// elements; the top-level `text` is the notification fallback. In mrkdwn, & < > are control characters and are
// sent as &amp; &lt; &gt; (docs.slack.dev/messaging/formatting-message-text#escaping); `* _ ~` and backticks have
// no escape, so every value from a cluster or a file (names, field managers, paths, flows) is set in inline code
// by slackCode (src/render/escape.ts), where nothing formats.

import type {
  Digest,
  DigestEffect,
  DigestItem,
  DigestNamespace,
  Mrkdwn,
  SlackBlock,
  SlackMessage,
} from "../../model/nightly.js";
import { slackCode, slackEntities, slackPlain } from "../escape.js";
import { clip, count, EFFECT_ORDER, flowCountText, policies } from "../phrases.js";

export type { SlackBlock, SlackMessage };

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  headerText: 150,
  contextElements: 10,
} as const;

export interface DigestMessageOptions {
  /** Policies listed before "…and N more"; default 25. */
  maxItems?: number;
}

const HEADLINE: Record<Digest["kind"], string> = {
  new: ":warning: NetworkPolicy drift",
  changed: ":warning: NetworkPolicy drift changed",
  resolved: ":white_check_mark: NetworkPolicy drift resolved",
  unchanged: "NetworkPolicy drift unchanged",
};

// Blocks that are not namespace sections: header, summary, link, divider, "and N more", footer.
const FIXED_BLOCKS = 6;

export function buildDigestMessage(digest: Digest, opts: DigestMessageOptions = {}): SlackMessage {
  const maxItems = Math.max(0, opts.maxItems ?? 25);
  const blocks: SlackBlock[] = [];
  // A widening is an incident: it changes the headline's emoji so it stands out in the channel.
  const headline =
    widening(digest).length > 0
      ? `:rotating_light: ${HEADLINE[digest.kind].replace(/^:warning: /, "")}`
      : HEADLINE[digest.kind];
  blocks.push({
    type: "header",
    text: {
      type: "plain_text",
      text: clip(`${headline} — ${slackPlain(digest.cluster || "unknown cluster")}`, SLACK_LIMITS.headerText),
      emoji: true,
    },
  });
  blocks.push(section(summaryText(digest)));
  if (digest.prUrl) blocks.push(section(`:link: ${link(digest.prUrl, linkLabel(digest.prUrl))}`));

  const listed = listSections(digest, maxItems, SLACK_LIMITS.blocks - FIXED_BLOCKS);
  if (listed.sections.length > 0) {
    blocks.push({ type: "divider" });
    for (const text of listed.sections) blocks.push(section(text));
  }
  const more = Math.max(0, digest.total - listed.count);
  if (more > 0) {
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `…and ${more} more ${more === 1 ? "policy" : "policies"} — see the ${digest.prUrl ? "change request" : "report"} for all of them.`,
        },
      ],
    });
  }
  blocks.push({ type: "context", elements: footer(digest) });
  return { text: fallbackText(digest), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

function summaryText(d: Digest): string {
  const c = d.counts;
  const inSync = `${c.inSync} in sync (desired ${c.desired}, live ${c.live})`;
  const lines: string[] = [];
  if (d.kind === "resolved")
    lines.push(
      `*No drift left*${d.total > 0 ? `: ${d.total} ${d.total === 1 ? "policy is" : "policies are"} back in sync` : ""}. ${inSync}`,
    );
  else
    lines.push(
      `*${policies(d.total)} drifted*: ${c.modified} modified, ${c.missing} missing, ${c.unmanaged} unmanaged · ${inSync}`,
    );
  const effects = effectCounts(d);
  if (effects) lines.push(`Effect on traffic: ${effects}`);
  if (!d.complete) lines.push(":grey_question: *Incomplete run*: some verdicts were withheld; the report lists why.");
  return lines.join("\n");
}

function widening(d: Digest): DigestNamespace[] {
  return d.namespaces.filter((ns) => ns.effect?.effect === "widens");
}

/** "*1 widens*, 2 changes, 1 none", most severe first; empty without effects. */
function effectCounts(d: Digest): string {
  const counts = new Map<string, number>();
  for (const ns of d.namespaces) if (ns.effect) counts.set(ns.effect.effect, (counts.get(ns.effect.effect) ?? 0) + 1);
  return EFFECT_ORDER.filter((k) => counts.has(k))
    .map((k) => (k === "widens" ? `*${counts.get(k)} widens*` : `${counts.get(k)} ${k}`))
    .join(", ");
}

const EFFECT_WORD: Record<DigestEffect["effect"], string> = {
  widens: ":rotating_light: *WIDENS*",
  changes: ":warning: *changes*",
  narrows: "*narrows*",
  none: "no effect",
};

// The effect first, then the policies: "*`ns`* (2) — :rotating_light: *WIDENS*: 3 flows opened, 0 closed".
function namespaceHeading(ns: DigestNamespace): string {
  const head = `*${code(ns.namespace)}* (${ns.items.length})`;
  const e = ns.effect;
  if (!e) return head;
  const counts = e.effect === "none" ? " on traffic" : `: ${flowCountText(e)}`;
  const flows = e.flows
    .map((f) => `\n    ${f.change === "opened" ? "+ opened" : "− closed"} ${code(clip(f.text, 300))}`)
    .join("");
  const total = e.flows[0]?.change === "closed" ? e.closed : e.opened;
  const more = total > e.flows.length ? `\n    …and ${total - e.flows.length} more` : "";
  return `${head} — ${EFFECT_WORD[e.effect]}${counts}${flows}${more}`;
}

/** Namespace sections, each ≤ 3,000 characters, together ≤ maxBlocks, listing at most maxItems policies. */
function listSections(d: Digest, maxItems: number, maxBlocks: number): { sections: string[]; count: number } {
  const sections: string[] = [];
  let count = 0;
  for (const ns of d.namespaces) {
    if (count >= maxItems || sections.length >= maxBlocks) break;
    let current = namespaceHeading(ns);
    for (const item of ns.items) {
      if (count >= maxItems) break;
      const line = d.kind === "resolved" ? `• ${code(item.name)} back in sync (was ${item.state})` : itemLine(item);
      if (current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
        sections.push(current);
        current = "";
        if (sections.length >= maxBlocks) break;
        current = `*${code(ns.namespace)}* (continued)`;
      }
      current += `\n${line}`;
      count++;
    }
    if (current) sections.push(current);
  }
  return { sections, count };
}

const STATE_WORD: Record<DigestItem["state"], string> = {
  modified: "modified",
  missing: "missing (in git, not live)",
  unmanaged: "unmanaged (live, not in git)",
};

// Each part is clipped before escaping, so a line stays far below a section's 3,000 characters and no entity is cut.
function itemLine(item: DigestItem): string {
  let line = `• ${code(item.name)} ${STATE_WORD[item.state]}`;
  if (item.paths.length > 0) {
    const shown = item.paths.slice(0, 3).map((p) => code(clip(p, 120)));
    line += `: ${shown.join(", ")}${item.paths.length > 3 ? ` (+${item.paths.length - 3})` : ""}`;
  }
  if (item.changedBy) {
    const c = item.changedBy;
    line += ` — by ${word(clip(c.manager, 100))} (${word(clip(c.operation, 30))}${c.time ? ` ${word(clip(c.time, 40))}` : ""})`;
  }
  if (item.waiverExpired) line += ` — *waiver expired on ${word(clip(item.waiverExpired, 40))}*`;
  return line;
}

function footer(d: Digest): Mrkdwn[] {
  const parts = [`fingerprint ${code(clip(d.fingerprint, 64))}`, word(clip(d.generatedAt, 40))];
  if (d.recordPath) parts.push(`record ${code(clip(d.recordPath, 300))}`);
  return [{ type: "mrkdwn", text: `netpol-drift · ${parts.join(" · ")}` }];
}

function fallbackText(d: Digest): string {
  const cluster = d.cluster ? word(clip(d.cluster, 150)) : "unknown cluster";
  if (d.kind === "resolved") return `NetworkPolicy drift resolved in ${cluster}: ${d.counts.inSync} in sync.`;
  const c = d.counts;
  const what = d.kind === "unchanged" ? "unchanged" : d.kind === "changed" ? "changed" : "detected";
  const wide = widening(d).length;
  const widens = wide > 0 ? `, widens traffic in ${count(wide, "namespace")}` : "";
  return `NetworkPolicy drift ${what} in ${cluster}: ${d.total} drifted (${c.modified} modified, ${c.missing} missing, ${c.unmanaged} unmanaged)${widens}${d.complete ? "" : ", incomplete run"}.`;
}

function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: clip(text, SLACK_LIMITS.sectionText) } };
}

/** Our own text around values: `& < >` as entities. Values themselves go through `code`. */
export function escapeMrkdwn(s: string): string {
  return slackEntities(s);
}

function code(s: string): string {
  return slackCode(s);
}

// An operation ("Update") or a timestamp reads better bare; anything that could format goes in code.
function word(s: string): string {
  return /^[A-Za-z0-9:.+-]*$/.test(s) ? s : code(s);
}

function link(url: string, label: string): string {
  // Inside <url|label>, "|" and ">" end the parts; percent-encode them in the URL, and escape & < > as everywhere.
  const safeUrl = url.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C").replace(/&/g, "&amp;");
  return `<${safeUrl}|${escapeMrkdwn(label).replace(/\|/g, "¦")}>`;
}

function linkLabel(url: string): string {
  return /\/merge_requests\/\d+/.test(url) ? "Merge request" : "Pull request";
}
