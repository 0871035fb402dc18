// How a flow whose end spans many namespaces reads in text and Markdown: the first few, then how many more;
// JSON keeps the complete lists.
import { describe, expect, it } from "vitest";
import type { Flow } from "../../../src/model/analysis.js";
import { effectLines, effectMarkdown, END_ITEMS_SHOWN, endText, flowText } from "../../../src/render/effects.js";

const side = { isolated: true, policies: ["*/default-deny"], rules: [] };
const names = Array.from({ length: 500 }, (_, i) => `team-${String(i).padStart(3, "0")}`);

describe("flow ends in text", () => {
  it("a long namespace list is cut after the first few, with the count of the rest", () => {
    const f: Flow = {
      source: `ns:{${names.join(",")}}/pod:*`,
      destination: "ns:tenant-acme/pod:*",
      from: { namespaces: names },
      to: { namespaces: ["tenant-acme"] },
      protocol: "any",
      ports: "all",
      egress: side,
      ingress: side,
    };
    const text = flowText(f);
    expect(text).toBe(
      `ns:{${names.slice(0, END_ITEMS_SHOWN).join(",")},…+${500 - END_ITEMS_SHOWN} more}/pod:* → ns:tenant-acme/pod:*  any protocol, all ports`,
    );
    const md = effectMarkdown({ namespace: "tenant-acme", effect: "narrows", opened: [], closed: [f] }).join("\n");
    expect(md).toContain(`…+${500 - END_ITEMS_SHOWN} more}`);
    expect(md).not.toContain(names[499]);
  });

  it("every pod but a long list, and pod classes past the cap", () => {
    const text = endText("x", {
      namespaces: ["*"],
      except: { namespaces: names.slice(0, 20), pods: ["ns:kube-system/pod:k8s-app=kube-dns"] },
    });
    expect(text.startsWith("ns:*/pod:* except ns:{team-000,")).toBe(true);
    expect(text).toContain("…+12 more}");
    const pods = Array.from({ length: 12 }, (_, i) => `ns:a/pod:app=a${i}`);
    expect(endText("x", { pods })).toBe(`${pods.slice(0, END_ITEMS_SHOWN).join(", ")}, …+4 more pod classes`);
  });

  it("short ends print as the analysis wrote them", () => {
    expect(
      endText("ns:*/pod:* except ns:tenant-acme/pod:*", { namespaces: ["*"], except: { namespaces: ["tenant-acme"] } }),
    ).toBe("ns:*/pod:* except ns:tenant-acme/pod:*");
  });

  it("summary effects print their counts and no flows", () => {
    const lines = effectLines({
      namespace: "a",
      effect: "widens",
      opened: [],
      closed: [],
      counts: { opened: 3, closed: 0 },
    });
    expect(lines).toEqual([
      "effect: WIDENS — 3 flows opened: live allows traffic the desired state does not",
      "  (flows not listed: --analysis summary)",
    ]);
  });
});
