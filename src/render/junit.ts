// `check` as JUnit XML: one testsuite per namespace, one testcase per invariant. A CI tracks tests by name
// (GitLab counts new and fixed ones), so a testcase keeps its name whether it passes or fails; every violation
// of it is listed in its one failure. Locations go in the failure text and system-out as `file:line`: the
// `file`/`line` attributes some readers accept break the strict JUnit schema others validate against.
// A namespace whose desired state did not load whole gets skipped testcases: nothing there is known to pass.
import { location } from "./phrases.js";
import type { InvariantId, Violation } from "../analyse/types.js";
import type { Problem } from "../model/types.js";
import { xmlAttr, xmlText } from "./escape.js";

export const INVARIANTS: { id: InvariantId; title: string }[] = [
  { id: "default-deny", title: "default deny for ingress and egress" },
  { id: "dns-egress", title: "default egress allows DNS to kube-dns and nothing else" },
  { id: "tenant-isolation", title: "no traffic from or to another tenant" },
  { id: "egress-allow-list", title: "external egress only to allow-listed CIDRs" },
  { id: "air-gapped", title: "no external egress from air-gapped tenants" },
];

export interface CheckResult {
  namespaces: string[];
  violations: Violation[];
  problems: Problem[];
  /** Prefix that turns a desired-relative file into a path from where CI runs (the --desired argument). */
  root: string;
}

export function fileOf(root: string, file: string | undefined): string | undefined {
  if (!file) return undefined;
  const joined = root && root !== "." ? `${root.replace(/\/+$/, "")}/${file}` : file;
  return joined.replace(/^\.\//, "");
}

/** `file:line`, or the file, or nothing. */
export function whereOf(root: string, x: { file?: string; line?: number }): string {
  const file = fileOf(root, x.file);
  return location(file, x.line);
}

/** Namespaces whose verdicts cannot be trusted, with the problems that make them so ("*": every namespace). */
export function uncertainNamespaces(problems: Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of problems) {
    if (!p.namespace) continue;
    out.set(p.namespace, [...(out.get(p.namespace) ?? []), p]);
  }
  return out;
}

export function renderJunit(r: CheckResult): string {
  const uncertain = uncertainNamespaces(r.problems);
  const everywhere = uncertain.get("*") ?? [];
  // A namespace known only from a broken file still gets its suite: its invariants are unknown, not absent.
  const namespaces = [...new Set([...r.namespaces, ...[...uncertain.keys()].filter((ns) => ns !== "*")])].sort();
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const ns of namespaces) {
    const blockers = [...(uncertain.get(ns) ?? []), ...everywhere];
    const cases: string[] = [];
    const count = { failures: 0, skipped: 0 };
    for (const inv of INVARIANTS) {
      const hits = r.violations.filter((v) => v.namespace === ns && v.invariant === inv.id);
      const open = `    <testcase classname="${xmlAttr(`netpol-drift.${inv.id}`)}" name="${xmlAttr(`${ns}: ${inv.title}`)}">`;
      if (hits.length > 0) {
        const lines = hits.map((v) => `${whereOf(r.root, v) ? `${whereOf(r.root, v)}: ` : ""}${v.message}`);
        const message = hits.length === 1 ? lines[0]! : `${hits.length} violations; the first: ${lines[0]}`;
        cases.push(
          `${open}\n      <failure type="${inv.id}" message="${xmlAttr(message)}">${xmlText(lines.join("\n"))}</failure>\n      <system-out>${xmlText(
            hits
              .map((v) => whereOf(r.root, v))
              .filter(Boolean)
              .join("\n"),
          )}</system-out>\n    </testcase>`,
        );
        count.failures++;
      } else if (blockers.length > 0) {
        const why = `not judged: the desired state of ${ns} did not load whole (${blockers.map((p) => `${whereOf(r.root, p) || p.call || "desired state"}: ${p.message}`).join("; ")})`;
        cases.push(`${open}\n      <skipped message="${xmlAttr(why)}"/>\n    </testcase>`);
        count.skipped++;
      } else {
        cases.push(open.replace(/>$/, "/>"));
      }
    }
    total.tests += cases.length;
    total.failures += count.failures;
    total.skipped += count.skipped;
    suites.push(
      `  <testsuite name="${xmlAttr(ns)}" tests="${cases.length}" failures="${count.failures}" errors="0" skipped="${count.skipped}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  if (r.problems.length > 0) {
    // One testcase per file, named by the file, so the name stays the same however many problems it holds.
    const byFile = new Map<string, Problem[]>();
    for (const p of r.problems) {
      const key = fileOf(r.root, p.file) ?? p.call ?? "desired state";
      byFile.set(key, [...(byFile.get(key) ?? []), p]);
    }
    const cases = [...byFile].map(([name, list]) => {
      const lines = list.map((p) => `${whereOf(r.root, p) ? `${whereOf(r.root, p)}: ` : ""}${p.message}`);
      return `    <testcase classname="netpol-drift.load" name="${xmlAttr(name)}">\n      <error type="load" message="${xmlAttr(lines[0]!)}">${xmlText(lines.join("\n"))}</error>\n    </testcase>`;
    });
    total.tests += cases.length;
    total.errors += cases.length;
    suites.push(
      `  <testsuite name="load" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="netpol-drift check" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}">\n${suites.join("\n")}\n</testsuites>\n`;
}
