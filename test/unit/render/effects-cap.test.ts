import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Flow, NamespaceEffect } from "../../../src/model/analysis.js";
import { effectLines, effectMarkdown, FLOWS_SHOWN } from "../../../src/render/effects.js";
import { runCli } from "../../fixtures/cli-context.js";

// A namespace can open dozens of flows; text and Markdown list a few, widest first, and say where the rest is.

const REPO = path.resolve(import.meta.dirname, "../../..");
const side = { isolated: true, policies: ["shop/p"], rules: [] };
const flow = (source: string, destination: string, ports = "80"): Flow => ({
  source,
  destination,
  protocol: ports === "all" ? "any" : "TCP",
  ports,
  egress: side,
  ingress: side,
});
const podFlows = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => flow(`ns:${prefix}/pod:app=a${i}`, "ns:shop/pod:app=web"));

describe("flows listed per namespace", () => {
  it("at most 5 opened and 5 closed, then how many more and where they are", () => {
    const e: NamespaceEffect = {
      namespace: "shop",
      effect: "changes",
      opened: podFlows(12, "cart"),
      closed: podFlows(7, "billing"),
    };
    const lines = effectLines(e);
    expect(lines[0]).toBe("effect: CHANGES — 12 flows opened, 7 flows closed");
    expect(lines.filter((l) => l.startsWith("  + ns:"))).toHaveLength(FLOWS_SHOWN);
    expect(lines.filter((l) => l.startsWith("  - ns:"))).toHaveLength(FLOWS_SHOWN);
    expect(lines).toContain("  + … and 7 more opened flows (-o json lists all)");
    expect(lines).toContain("  - … and 2 more closed flows (-o json lists all)");
    // Opened (what widens) before closed.
    expect(lines.findIndex((l) => l.startsWith("  - "))).toBeGreaterThan(
      lines.indexOf("  + … and 7 more opened flows (-o json lists all)"),
    );
    const md = effectMarkdown(e, { moreHint: "the JSON report lists all" });
    expect(md.filter((l) => l.startsWith("| opened |"))).toHaveLength(5);
    expect(md.filter((l) => l.startsWith("| closed |"))).toHaveLength(5);
    expect(md).toContain(
      "_… and 7 more opened flows (the JSON report lists all); … and 2 more closed flows (the JSON report lists all)._",
    );
  });

  it("the widest flows are the ones kept: from outside the cluster, then every port, then whole namespaces", () => {
    const internet = flow("0.0.0.0/0, ::/0", "ns:shop/pod:app=web");
    const allPorts = flow("ns:cart/pod:app=x", "ns:shop/pod:app=web", "all");
    const wholeNs = flow("ns:cart/pod:*", "ns:shop/pod:app=web");
    const e: NamespaceEffect = {
      namespace: "shop",
      effect: "widens",
      opened: [...podFlows(6, "cart"), wholeNs, allPorts, internet],
      closed: [],
    };
    const shown = effectLines(e).filter((l) => l.startsWith("  + ") && !l.includes("more opened"));
    expect(shown.slice(0, 3)).toEqual([
      "  + 0.0.0.0/0, ::/0 → ns:shop/pod:app=web  TCP 80",
      "  + ns:cart/pod:app=x → ns:shop/pod:app=web  any protocol, all ports",
      "  + ns:cart/pod:* → ns:shop/pod:app=web  TCP 80",
    ]);
    expect(shown.slice(3)).toEqual([
      "  + ns:cart/pod:app=a0 → ns:shop/pod:app=web  TCP 80",
      "  + ns:cart/pod:app=a1 → ns:shop/pod:app=web  TCP 80",
    ]);
  });

  it("no 'more' line when everything fits", () => {
    const e: NamespaceEffect = {
      namespace: "shop",
      effect: "widens",
      opened: podFlows(FLOWS_SHOWN, "cart"),
      closed: [],
    };
    expect(effectLines(e).some((l) => l.includes("more"))).toBe(false);
    expect(effectMarkdown(e).some((l) => l.includes("more"))).toBe(false);
  });

  it("the bundled demo: text and Markdown capped, JSON lists every flow", async () => {
    const args = [
      "report",
      "--desired",
      path.join(REPO, "desired"),
      "--live-file",
      path.join(REPO, "examples/live-snapshot.json"),
    ];
    const json = JSON.parse((await runCli([...args, "-o", "json"])).stdout) as { effects: NamespaceEffect[] };
    const big = json.effects.find((e) => e.opened.length > FLOWS_SHOWN)!;
    expect(big).toBeDefined();
    const text = (await runCli(args)).stdout;
    const section = text.slice(text.indexOf(`namespace ${big.namespace}\n`)).split("\n\n")[0]!;
    expect(section.split("\n").filter((l) => /^ {4}\+ (ns:|\d|:)/.test(l))).toHaveLength(FLOWS_SHOWN);
    expect(section).toContain(`    + … and ${big.opened.length - FLOWS_SHOWN} more opened flows (-o json lists all)`);
    const md = (await runCli([...args, "-o", "markdown"])).stdout;
    expect(md).toContain(`… and ${big.opened.length - FLOWS_SHOWN} more opened flows (-o json lists all)`);
  });
});
