// A stand-in for a Slack incoming webhook on 127.0.0.1, checking each post against the documented contract:
// - docs.slack.dev/messaging/sending-messages-using-incoming-webhooks: POST a JSON body (Content-type
//   application/json) to the webhook URL; 200 with body "ok" on success. Errors are short strings
//   (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks): 400 invalid_payload (not JSON),
//   400 no_text (neither text nor blocks), 400 invalid_blocks, 403 action_prohibited, 404 no_service (unknown hook),
//   410 channel_is_archived, 500 rollup_error. Rate limit: about one message a second, 429 with Retry-After
//   (docs.slack.dev/apis/web-api/rate-limits).
// - Block Kit (docs.slack.dev/reference/block-kit/blocks): ≤ 50 blocks; header text is plain_text ≤ 150;
//   section text ≤ 3,000 and fields ≤ 10 of ≤ 2,000; context ≤ 10 elements; block_id ≤ 255 and unique.
// - mrkdwn (docs.slack.dev/messaging/formatting-message-text#escaping): & < > are control characters; a literal one
//   must be sent as &amp; &lt; &gt;. `<` may only open a link/mention (<url|label>, <@U…>, <#C…>, <!here>, <!date^…>),
//   `>` may only close one or start a quote at a line start.
// The top-level `text` is required here too: it is the notification fallback whenever blocks are sent.

import { FakeHttpServer, FakeService, type RecordedRequest, type Reply } from "./fake-http.js";

export const WEBHOOK_PATH = "/services/T0FAKE000/B0FAKE000/fakeWebhookSecret0123456789";

const BLOCK_TYPES = new Set([
  "section",
  "header",
  "divider",
  "context",
  "actions",
  "image",
  "rich_text",
  "markdown",
  "input",
  "file",
  "video",
  "table",
]);
const PAYLOAD_KEYS = new Set([
  "text",
  "blocks",
  "attachments",
  "thread_ts",
  "mrkdwn",
  "unfurl_links",
  "unfurl_media",
  "metadata",
  "username",
  "icon_emoji",
  "icon_url",
  "channel",
  "link_names",
]);

export class FakeSlack extends FakeService {
  /** Accepted messages, in order. */
  readonly messages: { text?: string; blocks?: unknown[] }[] = [];
  protected readonly http: FakeHttpServer;

  constructor() {
    super();
    this.http = new FakeHttpServer((req) => this.handle(req));
  }

  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    await fake.http.start();
    return fake;
  }

  /** The incoming webhook URL (the path is the secret). */
  get url(): string {
    return this.http.url + WEBHOOK_PATH;
  }

  private handle(req: RecordedRequest): Reply {
    if (req.rawPath !== WEBHOOK_PATH) return { status: 404, body: "no_service" };
    if (req.method !== "POST") {
      this.http.violation(`${req.method} to the webhook`);
      return { status: 405, body: "invalid_method" };
    }
    if (!/^application\/json/.test(String(req.headers["content-type"]))) {
      this.http.violation(`content-type ${String(req.headers["content-type"])}`);
      return { status: 400, body: "invalid_payload" };
    }
    if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
      this.http.violation("body is not a JSON object");
      return { status: 400, body: "invalid_payload" };
    }
    const problems = validateSlackMessage(req.body);
    for (const p of problems) this.http.violation(p);
    if (problems.length > 0)
      return { status: 400, body: problems.some((p) => p.startsWith("blocks")) ? "invalid_blocks" : "no_text" };
    this.messages.push(req.body as FakeSlack["messages"][number]);
    return { status: 200, body: "ok" };
  }
}

/** Every way a webhook payload breaks the incoming-webhook / Block Kit contract; empty when it is fine. */
export function validateSlackMessage(payload: unknown): string[] {
  const out: string[] = [];
  const p = payload as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!PAYLOAD_KEYS.has(k)) out.push(`payload: unknown field "${k}"`);
  if (typeof p.text !== "string" || p.text.trim() === "") out.push("text: the top-level fallback text is missing");
  else {
    if (p.text.length > 40_000) out.push(`text: ${p.text.length} characters, Slack truncates past 40,000`);
    if (p.mrkdwn !== false) out.push(...mrkdwnProblems("text", p.text));
  }
  if (p.blocks === undefined) return out;
  if (!Array.isArray(p.blocks)) return [...out, "blocks: not an array"];
  if (p.blocks.length === 0) out.push("blocks: empty array");
  if (p.blocks.length > 50) out.push(`blocks: ${p.blocks.length} blocks, at most 50`);
  const ids = new Set<string>();
  p.blocks.forEach((b, i) => out.push(...blockProblems(`blocks[${i}]`, b as Record<string, unknown>, ids)));
  return out;
}

function blockProblems(where: string, b: Record<string, unknown>, ids: Set<string>): string[] {
  const out: string[] = [];
  if (typeof b !== "object" || b === null) return [`${where}: not an object`];
  if (typeof b.type !== "string" || !BLOCK_TYPES.has(b.type))
    return [`${where}: unknown block type ${JSON.stringify(b.type)}`];
  if (b.block_id !== undefined) {
    if (typeof b.block_id !== "string" || b.block_id.length > 255)
      out.push(`${where}.block_id: at most 255 characters`);
    else if (ids.has(b.block_id)) out.push(`${where}.block_id: duplicate "${b.block_id}"`);
    else ids.add(b.block_id);
  }
  switch (b.type) {
    case "header": {
      const t = b.text as Record<string, unknown> | undefined;
      if (t?.type !== "plain_text") out.push(`${where} (header).text: must be plain_text`);
      out.push(...textProblems(`${where} (header).text`, t, 150));
      break;
    }
    case "section": {
      if (b.text === undefined && b.fields === undefined) out.push(`${where} (section): needs text or fields`);
      if (b.text !== undefined)
        out.push(...textProblems(`${where} (section).text`, b.text as Record<string, unknown>, 3_000));
      if (b.fields !== undefined) {
        const f = b.fields as unknown[];
        if (!Array.isArray(f) || f.length > 10) out.push(`${where} (section).fields: at most 10`);
        else
          f.forEach((x, i) =>
            out.push(...textProblems(`${where} (section).fields[${i}]`, x as Record<string, unknown>, 2_000)),
          );
      }
      break;
    }
    case "context": {
      const els = b.elements as unknown[];
      if (!Array.isArray(els) || els.length === 0 || els.length > 10)
        out.push(`${where} (context).elements: 1 to 10 elements`);
      else
        els.forEach((x, i) => {
          const el = x as Record<string, unknown>;
          if (el.type !== "image") out.push(...textProblems(`${where} (context).elements[${i}]`, el, 3_000));
        });
      break;
    }
    case "divider":
      for (const k of Object.keys(b))
        if (k !== "type" && k !== "block_id") out.push(`${where} (divider): unexpected field "${k}"`);
      break;
  }
  return out.map((m) => (m.startsWith("blocks") ? m : `blocks: ${m}`));
}

function textProblems(where: string, t: Record<string, unknown> | undefined, max: number): string[] {
  if (!t || (t.type !== "plain_text" && t.type !== "mrkdwn")) return [`${where}: not a text object`];
  if (typeof t.text !== "string" || t.text.length === 0) return [`${where}: empty text`];
  const out: string[] = [];
  if (t.text.length > max) out.push(`${where}: ${t.text.length} characters, at most ${max}`);
  if (t.type === "mrkdwn") out.push(...mrkdwnProblems(where, t.text));
  if (t.type === "mrkdwn" && t.emoji !== undefined) out.push(`${where}: emoji is for plain_text only`);
  return out;
}

const CONTROL =
  /^<(?:(?:https?:\/\/|mailto:)[^\s<>|]+|[@#][A-Z0-9]+|!(?:here|channel|everyone|subteam\^[A-Z0-9]+|date\^[^>|]+))(?:\|[^<>]*)?>/;

/** Unescaped & < > in mrkdwn: Slack would parse them as control characters or show them mangled. */
export function mrkdwnProblems(where: string, text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "&" && !/^&(?:amp|lt|gt);/.test(text.slice(i, i + 5))) out.push(`${where}: unescaped "&" at ${i}`);
    if (ch === "<") {
      const m = CONTROL.exec(text.slice(i));
      if (!m) out.push(`${where}: "<" at ${i} opens no link or mention (escape it as &lt;)`);
      else i += m[0].length - 1;
    }
    if (ch === ">" && !(i === 0 || text[i - 1] === "\n")) out.push(`${where}: unescaped ">" at ${i}`);
  }
  return out;
}
