// `check` as JUnit XML: one testsuite per namespace, one testcase per invariant. A CI tracks tests by name
// (GitLab counts new and fixed ones), so a testcase keeps its name whether it passes or fails; every violation
// of it is listed in its one failure. Locations go in the failure text and system-out as `file:line`: the
// `file`/`line` attributes some readers accept break the strict JUnit schema others validate against.
// A namespace whose desired state did not load whole gets skipped testcases: nothing there is known to pass.
import { type CheckResult, INVARIANTS } from "../model/check.js";
import type { Problem } from "../model/types.js";
import { xmlAttr, xmlText } from "./escape.js";
import { fileLine, pathUnder } from "../util/location.js";
import { checkWaiverNotes } from "./rules.js";

/** "file:line: message", or the message. */
const located = (root: string, x: { file?: string; line?: number; message: string }) =>
  fileLine(x, root) ? `${fileLine(x, root)}: ${x.message}` : x.message;

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
        const lines = hits.map((v) => located(r.root, v));
        const message = hits.length === 1 ? lines[0]! : `${hits.length} violations; the first: ${lines[0]}`;
        cases.push(
          `${open}\n      <failure type="${inv.id}" message="${xmlAttr(message)}">${xmlText(lines.join("\n"))}</failure>\n      <system-out>${xmlText(
            hits
              .map((v) => fileLine(v, r.root))
              .filter(Boolean)
              .join("\n"),
          )}</system-out>\n    </testcase>`,
        );
        count.failures++;
      } else if (blockers.length > 0) {
        const why = `not judged: the desired state of ${ns} did not load whole (${blockers.map((p) => `${fileLine(p, r.root) || p.call || "desired state"}: ${p.message}`).join("; ")})`;
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
      const key = (p.file ? pathUnder(r.root, p.file) : p.call) ?? "desired state";
      byFile.set(key, [...(byFile.get(key) ?? []), p]);
    }
    const cases = [...byFile].map(([name, list]) => {
      const lines = list.map((p) => located(r.root, p));
      return `    <testcase classname="netpol-drift.load" name="${xmlAttr(name)}">\n      <error type="load" message="${xmlAttr(lines[0]!)}">${xmlText(lines.join("\n"))}</error>\n    </testcase>`;
    });
    total.tests += cases.length;
    total.errors += cases.length;
    suites.push(
      `  <testsuite name="load" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  const notes = checkWaiverNotes(r.waivers);
  if (notes.length > 0) {
    // Reported, not judged (as the exit code): each waiver note passes and says itself in system-out, named by
    // the waiver's owner and reason, which stay when lines move.
    const cases = notes.map(
      (n) =>
        `    <testcase classname="${xmlAttr(`netpol-drift.waiver.${n.kind}`)}" name="${xmlAttr(`${n.waiver.owner}: ${n.waiver.reason}`)}">\n      <system-out>${xmlText(n.text)}</system-out>\n    </testcase>`,
    );
    total.tests += cases.length;
    suites.push(
      `  <testsuite name="waivers" tests="${cases.length}" failures="0" errors="0" skipped="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="netpol-drift check" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}">\n${suites.join("\n")}\n</testsuites>\n`;
}
