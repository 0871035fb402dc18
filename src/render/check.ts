// `netpol-drift check` in each of its formats: the terminal, JSON, JUnit XML (junit.ts), SARIF (sarif.ts).
import type { CheckResult } from "../model/check.js";
import { violationText } from "./effects.js";
import { terminal } from "./escape.js";
import { fileLine } from "../util/location.js";
import { renderJunit } from "./junit.js";
import { checkWaiverLines } from "./rules.js";
import { renderSarif } from "./sarif.js";

export type CheckFormat = "text" | "json" | "junit" | "sarif";
export const CHECK_FORMATS: readonly CheckFormat[] = ["text", "json", "junit", "sarif"];

export function renderCheck(r: CheckResult, format: CheckFormat): string {
  if (format === "junit") return renderJunit(r);
  if (format === "sarif") return renderSarif(r);
  if (format === "json") return renderCheckJson(r);
  return renderCheckText(r);
}

function renderCheckJson(r: CheckResult): string {
  const clean = r.violations.length === 0 && r.problems.length === 0;
  const out = {
    clean,
    namespaces: r.namespaces,
    violations: r.violations,
    problems: r.problems,
    ...(r.waivers ? { waivers: r.waivers } : {}),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function renderCheckText(r: CheckResult): string {
  const out = [`netpol-drift check — ${r.namespaces.length} namespace(s) in ${r.root}`];
  if (r.violations.length === 0 && r.problems.length === 0) out.push("clean: every baseline invariant holds");
  if (r.violations.length > 0)
    out.push(
      `${r.violations.length} violation(s):`,
      ...r.violations.map((v) => `  ${violationText({ ...v, file: fileLine({ file: v.file }, r.root) || undefined })}`),
    );
  if (r.problems.length > 0)
    out.push(
      `${r.problems.length} problem(s) reading the desired state:`,
      ...r.problems.map((p) => `  ${fileLine(p, r.root) ? `${fileLine(p, r.root)}: ` : ""}${p.message}`),
    );
  out.push(...checkWaiverLines(r.waivers));
  return `${out.map(terminal).join("\n")}\n`;
}
