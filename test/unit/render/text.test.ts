import { describe, expect, it } from "vitest";
import { renderText } from "../../../src/render/index.js";
import { driftReport, inSyncReport } from "../../fixtures/sample-report.js";

const ESC = "\x1b[";
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
const broken = {
  file: "shop/broken.yaml",
  line: 3,
  message: "invalid YAML: Map keys must be unique",
  namespace: "shop",
};

describe("text renderer", () => {
  it("has no escape codes when colour is off", () => {
    const out = renderText(driftReport([broken]), { color: false });
    expect(out).not.toContain(ESC);
    expect(out).not.toContain("\x1b");
  });

  it("colours when asked, and says the same thing underneath", () => {
    const plain = renderText(driftReport([broken]), { color: false });
    const coloured = renderText(driftReport([broken]), { color: true });
    expect(coloured).toContain(`${ESC}33m~ modified `); // modified in yellow
    expect(coloured).toContain(`${ESC}31m- missing  `); // missing in red
    expect(coloured).toContain(`${ESC}32m+          port: 9090`); // added diff line in green
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it("groups drift by namespace with state, source, changedBy, changes and the diff", () => {
    const lines = renderText(driftReport(), { color: false }).split("\n");
    expect(lines[0]).toBe("netpol-drift report — cluster prod-eu");
    expect(lines[2]).toBe("drift: 3 policies — 1 modified, 1 missing, 1 unmanaged, 1 in sync (desired 3, live 3)");
    const at = (text: string) => lines.indexOf(text);
    expect(at("namespace cart")).toBeGreaterThan(2);
    expect(at("namespace shop")).toBeGreaterThan(at("namespace cart"));
    // Other sections (traffic effects) may sit between; the order and the item's own lines are fixed.
    const unmanaged = at("  + unmanaged debug  changed by kubectl-create (Update at 2025-06-10T07:00:00Z)");
    const modified = at(
      "  ~ modified  api-ingress  [shop/api-ingress.yaml]  changed by kubectl-edit (Update at 2025-06-11T16:02:44Z)",
    );
    expect(unmanaged).toBeGreaterThan(at("namespace cart"));
    expect(unmanaged).toBeLessThan(at("namespace shop"));
    expect(modified).toBeGreaterThan(at("namespace shop"));
    expect(at("      spec.ingress[0].ports[0].port: 8080 → 9090")).toBe(modified + 1);
    expect(at("      --- desired/shop/api-ingress")).toBe(modified + 2);
    expect(lines).toContain("      -          port: 8080");
    expect(lines).toContain("      +          port: 9090");
    expect(lines).toContain("  - missing   deny-all  [shop/deny-all.yaml]");
  });

  it("lists problems with file:line, withheld namespaces, and says it is incomplete", () => {
    const out = renderText(driftReport([broken]), { color: false });
    expect(out.split("\n")[2]).toMatch(/^INCOMPLETE: /);
    expect(out).toContain("\nproblems (1):\n  shop/broken.yaml:3: invalid YAML: Map keys must be unique\n");
    expect(out).toContain("skipped 1 document(s)");
  });

  it("says in sync when nothing drifted", () => {
    const out = renderText(inSyncReport(), { color: false });
    expect(out.split("\n")[2]).toBe(
      "in sync: no drift — 0 modified, 0 missing, 0 unmanaged, 1 in sync (desired 1, live 1)",
    );
    expect(out.split("\n")).not.toContain("namespace shop");
    expect(out).not.toMatch(/modified {2}|missing {3}|unmanaged /);
  });
});
