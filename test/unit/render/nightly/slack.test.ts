import { describe, expect, it } from "vitest";
import type { Digest, DigestNamespace } from "../../../../src/model/nightly.js";
import {
  buildDigestMessage,
  escapeMrkdwn,
  SLACK_LIMITS,
  type SlackBlock,
} from "../../../../src/render/nightly/slack.js";
import { mrkdwnProblems, validateSlackMessage } from "../../../helpers/fake-slack.js";

function digest(over: Partial<Digest> = {}): Digest {
  const namespaces: DigestNamespace[] = over.namespaces ?? [
    {
      namespace: "payments",
      items: [
        {
          name: "allow-api",
          state: "modified",
          paths: ["spec.ingress[0].ports", "spec.podSelector"],
          changedBy: { manager: "kubectl-edit", operation: "Update", time: "2024-05-01T10:00:00Z" },
        },
        { name: "default-deny", state: "missing", paths: [] },
      ],
    },
    {
      namespace: "web",
      items: [
        {
          name: "debug-open",
          state: "unmanaged",
          paths: [],
          changedBy: { manager: "kubectl-client-side-apply", operation: "Apply" },
        },
      ],
    },
  ];
  return {
    kind: "new",
    cluster: "prod-eu",
    counts: { desired: 42, live: 43, inSync: 40, missing: 1, unmanaged: 1, modified: 1 },
    namespaces,
    total: namespaces.reduce((n, ns) => n + ns.items.length, 0),
    prUrl: "https://github.example/acme/policies/pull/7",
    recordPath: "records/prod-eu/2024-05-01.md",
    fingerprint: "3fa9c2",
    complete: true,
    generatedAt: "2024-05-01T02:00:00Z",
    ...over,
  };
}

const texts = (blocks: SlackBlock[]) =>
  blocks
    .map((b) =>
      b.type === "header" || b.type === "section"
        ? b.text.text
        : b.type === "context"
          ? b.elements.map((e) => e.text).join(" ")
          : "",
    )
    .join("\n");

describe("buildDigestMessage", () => {
  it("says cluster, counts, drifted policies by namespace, who changed them and the PR link, within the contract", () => {
    const msg = buildDigestMessage(digest());
    expect(validateSlackMessage(msg)).toEqual([]);
    expect(msg.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: ":warning: NetworkPolicy drift — prod-eu", emoji: true },
    });
    expect(msg.text).toBe("NetworkPolicy drift detected in prod-eu: 3 drifted (1 modified, 1 missing, 1 unmanaged).");
    const all = texts(msg.blocks);
    expect(all).toContain(
      "*3 policies drifted*: 1 modified, 1 missing, 1 unmanaged · 40 in sync (desired 42, live 43)",
    );
    expect(all).toContain("<https://github.example/acme/policies/pull/7|Pull request>");
    expect(all).toContain(
      "*`payments`* (2)\n• `allow-api` modified: `spec.ingress[0].ports`, `spec.podSelector` — by kubectl-edit (Update 2024-05-01T10:00:00Z)\n• `default-deny` missing",
    );
    expect(all).toContain(
      "*`web`* (1)\n• `debug-open` unmanaged (live, not in git) — by kubectl-client-side-apply (Apply)",
    );
    expect(all).toContain("fingerprint `3fa9c2`");
    expect(all).toContain("record `records/prod-eu/2024-05-01.md`");
    expect(all).not.toMatch(/more polic/);
  });

  it("escapes & < > in every value from the cluster, and keeps links working", () => {
    const msg = buildDigestMessage(
      digest({
        cluster: "a<b>&c",
        prUrl: "https://gitlab.example/g/p/-/merge_requests/3?x=1&y=<2>|z",
        namespaces: [
          {
            namespace: "ns",
            items: [
              {
                name: "p",
                state: "modified",
                paths: ["spec.x<y>"],
                changedBy: { manager: "evil <!channel> & co", operation: "Update" },
              },
            ],
          },
        ],
        total: 1,
      }),
    );
    expect(validateSlackMessage(msg)).toEqual([]);
    const all = texts(msg.blocks);
    expect(all).toContain("by `evil &lt;!channel&gt; &amp; co`");
    expect(all).not.toContain("<!channel>");
    expect(all).toContain("`spec.x&lt;y&gt;`");
    expect(all).toContain("<https://gitlab.example/g/p/-/merge_requests/3?x=1&amp;y=%3C2%3E%7Cz|Merge request>");
    expect(msg.text).toContain("a&lt;b&gt;&amp;c");
    // The header is plain_text: shown as is, not parsed.
    expect(msg.blocks[0]).toMatchObject({ text: { text: ":warning: NetworkPolicy drift — a<b>&c" } });
  });

  it("the contract checker this relies on does catch unescaped control characters", () => {
    expect(mrkdwnProblems("t", "a & b")).toHaveLength(1);
    expect(mrkdwnProblems("t", "x <y")).toHaveLength(1);
    expect(mrkdwnProblems("t", "x > y")).toHaveLength(1);
    expect(mrkdwnProblems("t", "> quote <https://x.example/a?b=1&amp;c|link> &lt;ok&gt; <@U123>")).toEqual([]);
    expect(escapeMrkdwn("<&>")).toBe("&lt;&amp;&gt;");
  });

  it("caps what it lists and says how many more, within 50 blocks and 3,000 characters a section, however big the drift", () => {
    const long = "x".repeat(250);
    const namespaces: DigestNamespace[] = Array.from({ length: 120 }, (_, n) => ({
      namespace: `ns-${n}`,
      items: Array.from({ length: 30 }, (_, i) => ({
        name: `${long}-${i}`,
        state: "modified" as const,
        paths: Array.from({ length: 6 }, (_, k) => `spec.ingress[${k}].${"from".repeat(40)}`),
        changedBy: { manager: "m".repeat(300), operation: "Update", time: "2024-05-01T10:00:00Z" },
      })),
    }));
    const total = 120 * 30;
    for (const maxItems of [25, 10_000]) {
      const msg = buildDigestMessage(digest({ namespaces, total }), { maxItems });
      expect(validateSlackMessage(msg)).toEqual([]);
      expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      const listed = (texts(msg.blocks).match(/^• /gm) ?? []).length;
      expect(listed).toBeLessThanOrEqual(maxItems);
      expect(listed).toBeGreaterThan(0);
      expect(texts(msg.blocks)).toContain(`…and ${total - listed} more policies`);
    }
  });

  it("splits one large namespace over several sections rather than overflowing one", () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      name: `policy-${"n".repeat(200)}-${i}`,
      state: "missing" as const,
      paths: [],
    }));
    const msg = buildDigestMessage(digest({ namespaces: [{ namespace: "big", items }], total: 40 }), { maxItems: 40 });
    expect(validateSlackMessage(msg)).toEqual([]);
    const sections = msg.blocks.filter((b) => b.type === "section" && b.text.text.startsWith("*`big`*"));
    expect(sections.length).toBeGreaterThan(1);
    expect(texts(msg.blocks)).toContain("*`big`* (continued)");
    expect((texts(msg.blocks).match(/^• /gm) ?? []).length).toBe(40);
  });

  it("clips the header at 150 characters", () => {
    const msg = buildDigestMessage(digest({ cluster: "c".repeat(400) }));
    expect(validateSlackMessage(msg)).toEqual([]);
    const header = msg.blocks[0] as Extract<SlackBlock, { type: "header" }>;
    expect(header.text.text.length).toBe(150);
    expect(header.text.text.endsWith("…")).toBe(true);
  });

  it("resolved: says so and lists what is back in sync, linking the closed change request", () => {
    const msg = buildDigestMessage(
      digest({
        kind: "resolved",
        namespaces: [{ namespace: "payments", items: [{ name: "allow-api", state: "modified", paths: [] }] }],
        total: 1,
        counts: { desired: 42, live: 42, inSync: 42, missing: 0, unmanaged: 0, modified: 0 },
      }),
    );
    expect(validateSlackMessage(msg)).toEqual([]);
    expect(msg.blocks[0]).toMatchObject({
      text: { text: ":white_check_mark: NetworkPolicy drift resolved — prod-eu" },
    });
    const all = texts(msg.blocks);
    expect(all).toContain("*No drift left*: 1 policy is back in sync. 42 in sync (desired 42, live 42)");
    expect(all).toContain("*`payments`* (1)\n• `allow-api` back in sync (was modified)");
    expect(all).toContain("|Pull request>");
    expect(msg.text).toBe("NetworkPolicy drift resolved in prod-eu: 42 in sync.");

    const bare = buildDigestMessage(digest({ kind: "resolved", namespaces: [], total: 0 }));
    expect(validateSlackMessage(bare)).toEqual([]);
    expect(bare.blocks.some((b) => b.type === "divider")).toBe(false);
    expect(texts(bare.blocks)).toContain("*No drift left*. 40 in sync");
  });

  it("flags an incomplete run, and works without a PR link or record path", () => {
    const msg = buildDigestMessage(
      digest({ complete: false, prUrl: undefined, recordPath: undefined, kind: "changed" }),
    );
    expect(validateSlackMessage(msg)).toEqual([]);
    const all = texts(msg.blocks);
    expect(all).toContain("*Incomplete run*");
    expect(all).not.toContain(":link:");
    expect(all).not.toContain("record `");
    expect(msg.text).toContain("changed in prod-eu");
    expect(msg.text).toContain("incomplete run");
  });
});
