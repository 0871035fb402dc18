// Every string from a cluster or a file is written by whoever can edit a NetworkPolicy (a field manager is any
// printable string up to 128 characters): it goes through the function of the medium it lands in, so it can
// neither format nor forge anything there, and stays visible as written. One function per medium.

/**
 * One line of plain text, every character visible: control characters (C0, DEL, C1 — ESC starts an ANSI
 * sequence that repaints a terminal), line and paragraph separators and bidirectional overrides (which reorder
 * what a reader sees) are written as escapes, `\n`, `\x1b`, `\u202e`. The base of every medium below.
 */
export function visible(s: string, keep = ""): string {
  return s.replace(INVISIBLE, (ch) => {
    if (keep.includes(ch)) return ch;
    const named = NAMED[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// C0, DEL, C1, the Unicode line/paragraph separators, bidi embeddings/overrides/isolates, marks, BOM, and lone
// surrogates (not text at all).
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The terminal: one line, no control character reaches it (our own colour codes are added after this). */
export function terminal(s: string): string {
  return visible(s);
}

/**
 * Markdown prose (CommonMark + GFM, as GitHub and GitLab render it): one line in which nothing can open a link,
 * an image, HTML or a comment, emphasis, strike-through, code or an autolink, nor end a table cell. Safe in a
 * table cell and in a list item; the text reads the same once rendered.
 */
export function markdownText(s: string): string {
  return visible(s)
    .replace(/[\\`*_~[\]<>&|#]/g, (c) => `\\${c}`)
    .replace(/^([-+=])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/\b(https?|ftp|mailto)(:)/gi, "$1\\$2")
    .replace(/\bwww\./gi, "www\\.");
}

/**
 * Markdown inline code: the text verbatim, in a backtick fence longer than any backtick run inside it (padded
 * when it starts or ends with a backtick or a space, which CommonMark would otherwise eat). In a GFM table a `|`
 * ends the cell even inside code, so `table` writes it `\|`, which the table parser turns back into `|`.
 */
export function markdownCode(s: string, opts: { table?: boolean } = {}): string {
  let text = visible(s);
  if (opts.table) text = text.replace(/\|/g, "\\|");
  if (text === "") return "` `";
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block holding `text` (many lines) verbatim: the fence is longer than any run of backticks in it. */
export function markdownFence(text: string, info = ""): string {
  const body = visible(text, "\n");
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/**
 * Slack mrkdwn (docs.slack.dev/messaging/formatting-message-text): `& < >` are the control characters and are
 * sent as entities; `* _ ~ \`` have no escape, so untrusted text is set in inline code, where Slack applies no
 * formatting, links or mentions. A backtick would end the code early and has no escape either: it is written
 * U+02CB (ˋ), which looks the same.
 */
export function slackCode(s: string): string {
  return `\`${slackEntities(visible(s).replace(/`/g, "ˋ"))}\``;
}

/** `& < >` as entities, for text we write ourselves around values (and inside a link label). */
export function slackEntities(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack plain_text (headers): nothing formats there, but control characters still must not reach a client. */
export function slackPlain(s: string): string {
  return visible(s);
}

/**
 * XML 1.0 character data. Characters XML 1.0 forbids (most C0, U+FFFE/U+FFFF, lone surrogates) cannot even be
 * written as references, so they are written visibly; newlines and tabs we put in ourselves stay.
 */
export function xmlText(s: string): string {
  return visible(s, "\n\t").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An XML 1.0 attribute value in double quotes: one line (a newline would be normalised to a space). */
export function xmlAttr(s: string): string {
  return visible(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * SARIF message text (plain text, SARIF 2.1.0 §3.11): JSON.stringify does the JSON part; a `[text](n)` there is
 * an embedded link to a location, so brackets are escaped with a backslash as the spec asks (§3.11.6).
 */
export function sarifText(s: string): string {
  return visible(s).replace(/([[\]])/g, "\\$1");
}

/** A relative path as a SARIF artifactLocation.uri (a URI reference): each segment percent-encoded. */
export function sarifUri(path: string): string {
  return path
    .split("/")
    .map((seg) => encodeURIComponent(visible(seg)))
    .join("/");
}
