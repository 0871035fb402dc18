import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Flow, NamespaceEffect } from "../../../../src/model/analysis.js";
import type { DriftItem, Report } from "../../../../src/model/types.js";
import { buildDigest } from "../../../../src/render/nightly/digest.js";
import { buildDigestMessage, type SlackBlock } from "../../../../src/render/nightly/slack.js";
import { createSlackNotifier } from "../../../../src/sinks/slack/send.js";
import { FakeSlack, validateSlackMessage } from "../../../helpers/fake-slack.js";

// The digest says what the drift does to traffic before which policies drifted, a widening first.

const side = { isolated: true, policies: [], rules: [] };
const flow = (source: string, destination: string, ports = "443"): Flow => ({
  source,
  destination,
  protocol: "TCP",
  ports,
  egress: side,
  ingress: side,
});
const drift = (namespace: string, name: string): DriftItem => ({
  state: "unmanaged",
  namespace,
  name,
  changes: [],
  diff: "",
});

function report(effects: NamespaceEffect[]): Report {
  const items = effects.map((e) => drift(e.namespace, `p-${e.namespace}`));
  return {
    complete: true,
    summary: { desired: 10, live: 10 + items.length, inSync: 10, missing: 0, unmanaged: items.length, modified: 0 },
    drift: items,
    skipped: [],
    problems: [],
    withheld: [],
    generatedAt: "2025-06-01T02:30:00.000Z",
    cluster: "prod",
    sources: { desired: "d", live: "l", requests: 1 },
    effects,
  };
}

const texts = (blocks: SlackBlock[]) =>
  blocks.filter((b) => b.type === "section").map((b) => (b.type === "section" ? b.text.text : ""));

describe("Slack digest: effects", () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await FakeSlack.start();
  });
  afterEach(async () => {
    expect(slack.violations).toEqual([]);
    await slack.close();
  });

  it("widening namespaces lead, with their first two opened flows (widest first) and how many more", async () => {
    const opened = [
      flow("ns:a/pod:x", "ns:shop/pod:web"),
      flow("ns:a/pod:y", "ns:shop/pod:web"),
      flow("0.0.0.0/0", "ns:shop/pod:web", "all"),
    ];
    const digest = buildDigest({
      kind: "new",
      cluster: "prod",
      fingerprint: "f".repeat(64),
      report: report([
        { namespace: "alpha", effect: "none", opened: [], closed: [] },
        {
          namespace: "beta",
          effect: "narrows",
          opened: [],
          closed: [flow("ns:beta/pod:*", "ns:kube-system/pod:k8s-app=kube-dns", "53")],
        },
        { namespace: "shop", effect: "widens", opened, closed: [] },
      ]),
    });
    expect(digest.namespaces.map((n) => `${n.namespace} ${n.effect?.effect}`)).toEqual([
      "shop widens",
      "beta narrows",
      "alpha none",
    ]);
    await createSlackNotifier({ webhookUrl: slack.url, retries: 0 }).send(buildDigestMessage(digest));
    const msg = slack.messages[0] as { text: string; blocks: SlackBlock[] };
    expect(msg.text).toContain("widens traffic in 1 namespace");
    const sections = texts(msg.blocks);
    expect(sections[0]).toContain("Effect on traffic: *1 widens*, 1 narrows, 1 none");
    const shop = sections.findIndex((t) => t.startsWith("*`shop`*"));
    expect(sections[shop]!.split("\n").slice(0, 4)).toEqual([
      "*`shop`* (1) — :rotating_light: *WIDENS*: 3 flows opened, 0 closed",
      "    + opened `0.0.0.0/0 → ns:shop/pod:web  TCP all`",
      "    + opened `ns:a/pod:x → ns:shop/pod:web  TCP 443`",
      "    …and 1 more",
    ]);
    expect(sections[shop + 1]).toMatch(
      /^\*`beta`\* \(1\) — \*narrows\*: 0 flows opened, 1 closed\n {4}− closed `ns:beta\/pod:\* → ns:kube-system\/pod:k8s-app=kube-dns {2}TCP 53`/,
    );
    expect(sections[shop + 2]).toMatch(/^\*`alpha`\* \(1\) — no effect on traffic\n/);
  });

  it("within Block Kit limits with many widening namespaces and very long flow names", () => {
    const long = "ns:" + "x".repeat(2_000) + "/pod:*";
    const effects: NamespaceEffect[] = Array.from({ length: 80 }, (_, i) => ({
      namespace: `ns-${i}`,
      effect: "widens",
      opened: [flow(long, long), flow(long, long)],
      closed: [],
    }));
    const msg = buildDigestMessage(
      buildDigest({ kind: "new", cluster: "prod", fingerprint: "0".repeat(64), report: report(effects) }),
    );
    expect(validateSlackMessage(msg)).toEqual([]);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(texts(msg.blocks).some((t) => t.includes(":rotating_light: *WIDENS*"))).toBe(true);
  });
});
