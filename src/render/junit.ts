// `check` as JUnit XML: one testsuite per namespace, one testcase per invariant, a failure per violation with
// the desired file and line, so CI test reporters annotate the offending manifest.
import type { InvariantId, Violation } from "../analyse/types.js";
import type { Problem } from "../model/types.js";

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

export function renderJunit(r: CheckResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const ns of r.namespaces) {
    const cases: string[] = [];
    let nsFailures = 0;
    for (const inv of INVARIANTS) {
      const hits = r.violations.filter((v) => v.namespace === ns && v.invariant === inv.id);
      if (hits.length === 0) cases.push(`    <testcase classname="netpol-drift.${inv.id}" name="${esc(`${ns}: ${inv.title}`)}"/>`);
      for (const v of hits) {
        const file = fileOf(r.root, v.file);
        const where = file ? ` file="${esc(file)}"${v.line ? ` line="${v.line}"` : ""}` : "";
        const name = `${ns}: ${inv.title}${v.policy ? ` (${v.policy}${v.rule ? ` ${v.rule}` : ""})` : ""}`;
        const text = `${file ? `${file}${v.line ? `:${v.line}` : ""}: ` : ""}${v.message}`;
        cases.push(`    <testcase classname="netpol-drift.${inv.id}" name="${esc(name)}"${where}>\n      <failure type="${inv.id}" message="${esc(v.message)}">${esc(text)}</failure>\n    </testcase>`);
        nsFailures++;
      }
    }
    tests += cases.length;
    failures += nsFailures;
    suites.push(`  <testsuite name="${esc(ns)}" tests="${cases.length}" failures="${nsFailures}" errors="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  if (r.problems.length > 0) {
    const cases = r.problems.map((p) => {
      const file = fileOf(r.root, p.file);
      const where = file ? ` file="${esc(file)}"${p.line ? ` line="${p.line}"` : ""}` : "";
      return `    <testcase classname="netpol-drift.load" name="${esc(file ?? p.call ?? "desired state")}"${where}>\n      <error type="load" message="${esc(p.message)}">${esc(p.message)}</error>\n    </testcase>`;
    });
    tests += cases.length;
    suites.push(`  <testsuite name="load" tests="${cases.length}" failures="0" errors="${cases.length}">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="netpol-drift check" tests="${tests}" failures="${failures}" errors="${r.problems.length}">\n${suites.join("\n")}\n</testsuites>\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
