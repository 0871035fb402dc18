// A hostile corpus — what anyone who can edit a NetworkPolicy (or a file in the policy repo) can write — through
// every renderer: nothing may be injected (no link, image, HTML, comment, formatting, table break, terminal
// escape, XML markup) and nothing lost (each value is there, visibly, as written).
import MarkdownIt from "markdown-it";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import { defaultNormalizeOptions, type DesiredState, type Report } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/index.js";
import { buildReport } from "../../helpers/report.js";
import { renderCheck } from "../../../src/render/check.js";
import { changeRequestBody } from "../../../src/render/nightly/change-request.js";
import { buildDigest } from "../../../src/render/nightly/digest.js";
import { evalText } from "../../../src/render/eval.js";
import { visible } from "../../../src/render/escape.js";
import { renderJson, renderMarkdown, renderText } from "../../../src/render/index.js";
import type { CheckResult } from "../../../src/model/check.js";
import { entryText, parseChangelog } from "../../../src/render/nightly/changelog.js";
import { buildRecord } from "../../../src/render/nightly/record.js";
import { buildDigestMessage, type SlackBlock } from "../../../src/render/nightly/slack.js";
import { validateSlackMessage } from "../../helpers/fake-slack.js";
import { managedEntry, manifest, serverPolicy } from "../../fixtures/server-shaped.js";

const CORPUS =
  "ci|<!-- [approve](https://example.invalid) ![img](https://example.invalid/x.png) `tick` ``two`` *bold* _em_ ~~del~~ &amp; <b>html</b> --> | end\nsecond line \x1b[2J\x1b]8;;https://x\x07 \u202eevil \\";
const LONG = `${"L".repeat(3000)}|<!--[x](y)`;
const MANAGER = `mgr ${CORPUS}`;
const NAME = `pol-${CORPUS}`;
const LABEL_KEY = `key${CORPUS}`;
const LABEL_VALUE = `value ${CORPUS}`;
const ANNOTATION = `first ${CORPUS}\n\`\`\`\n</details>\n\`\`\`\`\`\` fence`;
const PROBLEM = `invalid YAML: ${CORPUS}`;
const FILE = `shop/${CORPUS}.yaml`;

function hostileReport(): Report {
  const opts = { ...defaultNormalizeOptions(), compareAnnotations: ["note*"] };
  const desired: DesiredState = {
    policies: [
      normalizePolicy(
        manifest(
          NAME,
          {
            podSelector: { matchLabels: { app: LABEL_VALUE } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ ports: [{ port: 80 }] }],
            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
          },
          { labels: { [LABEL_KEY]: "a" }, annotations: { note: "old" } },
        ),
        "shop",
        { file: FILE, line: 1 },
        opts,
      ),
      normalizePolicy(manifest(LONG, { podSelector: {} }), "shop", { file: "shop/long.yaml", line: 1 }, opts),
    ],
    skipped: [{ file: FILE, line: 2, reason: `not a NetworkPolicy: ${CORPUS}` }],
    problems: [{ file: FILE, line: 3, message: PROBLEM, namespace: "cart" }],
  };
  const live = [
    serverPolicy(
      "shop",
      NAME,
      {
        podSelector: { matchLabels: { app: LABEL_VALUE } },
        ingress: [{}],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
        policyTypes: ["Ingress", "Egress"],
      },
      {
        labels: { [LABEL_KEY]: LABEL_VALUE },
        annotations: { note: ANNOTATION },
        managedFields: [managedEntry(MANAGER, "Update", "2025-06-11T16:02:44Z")],
      },
    ),
    serverPolicy("shop", LONG, { podSelector: {}, policyTypes: ["Ingress"] }),
  ];
  return buildReport(
    desired,
    { objects: live, cluster: `ctx ${CORPUS}`, origin: `file: ${CORPUS}`, requests: 1 },
    {
      scope: { namespaces: [], exclude: [] },
      normalize: opts,
      desiredRoot: `desired ${CORPUS}`,
      generatedAt: "2025-06-12T08:00:00.000Z",
      analysis: { options: { ...defaultAnalysisOptions(), egressAllowList: [] } },
    },
  );
}

const report = hostileReport();

describe("the hostile report itself", () => {
  it("carries every hostile value somewhere a renderer must show it", () => {
    const json = JSON.stringify(report);
    for (const v of [MANAGER, NAME, LABEL_VALUE, PROBLEM, FILE, ANNOTATION])
      expect(json).toContain(JSON.stringify(v).slice(1, -1));
    expect(report.drift[0]!.changes.some((c) => c.path.includes("keyci|<!--"))).toBe(true);
    expect(report.drift.length).toBeGreaterThan(0);
    expect(report.effects?.some((e) => e.opened.length > 0)).toBe(true);
    expect(report.violations?.some((v) => v.message.includes(NAME))).toBe(true);
  });
});

// ---- Markdown: parsed as GitHub would (GFM tables, raw HTML on, bare URLs linked) ----

const md = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<typeof md.parse>[number];

/** The text a reader sees in one inline run: text and code, escapes resolved, emphasis markers gone. */
function inlineText(t: Token): string {
  return (t.children ?? [])
    .map((c) =>
      c.type === "text" || c.type === "code_inline"
        ? c.content
        : c.type === "softbreak" || c.type === "hardbreak"
          ? "\n"
          : "",
    )
    .join("");
}

/** Our own CHANGELOG marker is the one HTML a document may hold … */
const MARKER = /^<!-- netpol-drift cluster=[\w.-]+ kind=\w+ fingerprint=[0-9a-f]+ -->\n?$/;
/** … besides the PR body's own folds (issue 13), whose summaries are fixed words and counts, nothing from a cluster. */
const FOLD = /^(<details><summary>(The table|Diffs in one namespace) \(\d+( rows)?\)<\/summary>|<\/details>)\n*$/;

function checkMarkdown(text: string, allowedLinks: RegExp[] = []): string[] {
  const tokens = md.parse(text, {});
  const seen: string[] = [];
  const all: Token[] = tokens.flatMap((t) => [t, ...(t.children ?? [])]);
  for (const t of all) {
    if (!(t.type === "html_block" && (MARKER.test(t.content) || FOLD.test(t.content))))
      expect(t.type, `no raw HTML in ${JSON.stringify(t.content).slice(0, 80)}`).not.toMatch(/^html_/);
    expect(t.type).not.toBe("image");
    if (t.type === "link_open")
      expect(
        allowedLinks.some((re) => re.test(String(t.attrGet("href") ?? ""))),
        `link to ${t.attrGet("href")}`,
      ).toBe(true);
    if (t.type === "inline") seen.push(inlineText(t));
    if (t.type === "fence" || t.type === "code_block") seen.push(t.content);
  }
  // A table keeps its columns: every row has as many cells as the header.
  let cols = 0;
  let cells = 0;
  for (const t of tokens) {
    if (t.type === "thead_open") cols = -1;
    if (t.type === "tr_open") cells = 0;
    if (t.type === "th_open" || t.type === "td_open") cells++;
    if (t.type === "tr_close") {
      if (cols === -1) cols = cells;
      else expect(cells, "a table row keeps its columns").toBe(cols);
    }
  }
  return seen;
}

function expectShown(seen: string[], value: string): void {
  expect(
    seen.some((s) => s.includes(visible(value))),
    `shown: ${JSON.stringify(value).slice(0, 60)}`,
  ).toBe(true);
}

describe("Markdown: report, change record, CHANGELOG, PR body", () => {
  it("the report: no link, image, HTML or table break; every value shown as written", () => {
    const out = renderMarkdown(report);
    const seen = checkMarkdown(out);
    for (const v of [NAME, LABEL_VALUE, PROBLEM, MANAGER]) expectShown(seen, v);
    // The annotation is in the diff, every line of it, and the fence holds.
    const fence = md.parse(out, {}).find((t) => t.type === "fence" && t.content.includes("first ci|"));
    expect(fence?.info).toBe("diff");
    expect(fence?.content).toContain("</details>");
    expect(out).not.toContain("\x1b");
    expect(out).not.toContain("\u202e");
  });

  it("the change record and the PR body", () => {
    const files = buildRecord({
      report,
      kind: "new",
      cluster: "prod",
      fingerprint: "a".repeat(64),
      recordsDir: "change-records",
      sequence: 1,
      now: new Date("2025-06-12T08:00:00Z"),
    });
    const seen = checkMarkdown(files.markdown);
    for (const v of [NAME, PROBLEM, MANAGER]) expectShown(seen, v);
    const body = changeRequestBody(report, files.meta);
    const bodySeen = checkMarkdown(body);
    for (const v of [NAME, PROBLEM]) expectShown(bodySeen, v);
  });

  it("the CHANGELOG entry: only its own link to the record", () => {
    const text = entryText({
      cluster: "prod",
      kind: "new",
      report,
      fingerprint: "a".repeat(64),
      recordPath: "change-records/prod/0001.md",
      changelogPath: "CHANGELOG.md",
      now: new Date("2025-06-12T08:00:00Z"),
    });
    const seen = checkMarkdown(text, [/^change-records\/prod\/0001\.md$/]);
    expectShown(seen, MANAGER);
    expectShown(seen, `shop/${NAME}`);
    // The marker the next run reads back is the only HTML comment, and still parses.
    expect(md.parse(text, {}).filter((t) => t.type === "html_block")).toHaveLength(1);
    expect(parseChangelog(text)).toEqual([{ cluster: "prod", kind: "new", fingerprint: "a".repeat(64) }]);
  });
});

// ---- The terminal ----

describe("terminal text", () => {
  it("no control character from a value reaches the terminal; with colour only our own SGR codes", () => {
    for (const color of [false, true]) {
      const out = renderText(report, { color });
      const stripped = out.replace(/\x1b\[\d+m/g, "");
      expect(stripped).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      for (const v of [NAME, LABEL_VALUE, PROBLEM, MANAGER, FILE]) expect(stripped).toContain(visible(v));
    }
  });

  it("check's text output and eval's", () => {
    const r: CheckResult = {
      namespaces: ["shop"],
      violations: report.violations ?? [],
      problems: report.problems,
      root: "desired",
    };
    const out = renderCheck(r, "text");
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out).toContain(visible(PROBLEM));
    const e = evalText({
      allowed: false,
      from: { name: `shop/${LABEL_VALUE}`, kind: "pod" },
      to: { name: "1.2.3.4", kind: "external" },
      protocol: "TCP",
      port: 80,
      egress: {
        allowed: false,
        reason: `selected by shop/${NAME}`,
        isolated: true,
        policies: [`shop/${NAME}`],
        rules: [],
      },
      ingress: { allowed: true, reason: "outside", isolated: false, policies: [], rules: [] },
      notes: [CORPUS],
    });
    expect(e).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(e).toContain(visible(LABEL_VALUE));
  });
});

// ---- JSON, JUnit, SARIF ----

describe("JSON, JUnit XML, SARIF", () => {
  it("JSON keeps every value exactly", () => {
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  const check: CheckResult = {
    namespaces: ["shop"],
    violations: (report.violations ?? []).map((v) => ({ ...v, file: FILE, line: 7 })),
    problems: [
      ...report.problems,
      { file: FILE, line: 9, message: `\u0000\u0008\ufffe ${PROBLEM}`, namespace: "shop" },
    ],
    root: "desired",
  };

  it("JUnit is well-formed XML 1.0 (strict parser), with only the attributes strict schemas allow, and says every message", () => {
    const xml = renderCheck(check, "junit");
    const parser = new SaxesParser({ xmlns: false });
    const errors: string[] = [];
    const texts: string[] = [];
    const attrs: string[] = [];
    parser.on("error", (e) => errors.push(e.message));
    parser.on("text", (t) => texts.push(t));
    parser.on("opentag", (tag) => {
      for (const [k, v] of Object.entries(tag.attributes)) {
        attrs.push(`${tag.name}@${k}`);
        texts.push(String(v));
      }
    });
    parser.write(xml).close();
    expect(errors).toEqual([]);
    const allowed = new Set([
      "testsuites@name",
      "testsuites@tests",
      "testsuites@failures",
      "testsuites@errors",
      "testsuite@name",
      "testsuite@tests",
      "testsuite@failures",
      "testsuite@errors",
      "testsuite@skipped",
      "testcase@classname",
      "testcase@name",
      "failure@type",
      "failure@message",
      "error@type",
      "error@message",
      "skipped@message",
    ]);
    for (const a of attrs) expect(allowed.has(a), a).toBe(true);
    const all = texts.join("\n");
    for (const v of check.violations) expect(all).toContain(visible(v.message));
    expect(all).toContain(visible(PROBLEM));
    expect(all).toContain(visible(FILE));
  });

  it("SARIF: valid JSON, messages with no embedded link, percent-encoded URIs", () => {
    const log = JSON.parse(renderCheck(check, "sarif")) as {
      runs: {
        results: {
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    const results = log.runs[0]!.results;
    for (const r of results) {
      // An unescaped "[" would start an embedded link (SARIF §3.11.6).
      expect(r.message.text).not.toMatch(/(^|[^\\])[[\]]/);
      expect(r.message.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u001b]/);
      for (const l of r.locations)
        expect(l.physicalLocation.artifactLocation.uri).toMatch(/^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]+$/);
    }
    const unescaped = results.map((r) => r.message.text.replace(/\\([[\]])/g, "$1"));
    for (const v of check.violations) expect(unescaped).toContain(visible(v.message));
    expect(decodeURIComponent(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri)).toBe(
      `desired/${visible(FILE)}`,
    );
  });
});

// ---- Slack ----

function mrkdwnTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) =>
    b.type === "section" && b.text.type === "mrkdwn"
      ? [b.text.text]
      : b.type === "context"
        ? b.elements.filter((e) => e.type === "mrkdwn").map((e) => e.text)
        : [],
  );
}

describe("Slack mrkdwn", () => {
  it("every value sits in code (no formatting, link or mention), with & < > as entities", () => {
    const digest = buildDigest({
      kind: "new",
      cluster: "prod",
      report,
      fingerprint: "a".repeat(64),
      prUrl: "https://github.example/o/r/pull/1",
    });
    const msg = buildDigestMessage(digest);
    expect(validateSlackMessage(msg)).toEqual([]);
    for (const text of mrkdwnTexts(msg.blocks)) {
      // Outside inline code: no character a value could format with, no < but our own link.
      const outside = text.replace(/`[^`]*`/g, "").replace(/:[a-z_]+:/g, "");
      expect(outside).not.toMatch(/<(?!https:\/\/github\.example\/o\/r\/pull\/1\|Pull request>)/);
      expect(outside).not.toMatch(/_|~|&(?!amp;|lt;|gt;)/);
      expect(outside).not.toContain("\x1b");
    }
    const all = mrkdwnTexts(msg.blocks).join("\n");
    const asCode = (v: string) =>
      visible(v).replace(/`/g, "ˋ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    expect(all).toContain(`\`${asCode(NAME)}\``);
    // Clipped to Slack's limits before escaping, so the cut never splits an entity.
    expect(all).toContain(`\`${asCode(MANAGER.slice(0, 99))}…\``);
  });
});
