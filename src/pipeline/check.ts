// `netpol-drift check`: the baseline invariants on the desired state alone, for the policy repository's CI.
import { checkInvariants } from "../analyse/invariants.js";
import type { AnalysisOptions } from "../analyse/types.js";
import type { NormalizeOptions } from "../model/types.js";
import { violationText } from "../render/effects.js";
import { terminal } from "../render/escape.js";
import { renderJunit, whereOf, type CheckResult } from "../render/junit.js";
import { renderSarif } from "../render/sarif.js";
import { loadDesired } from "../sources/desired/index.js";
import { writeAtomically } from "./report.js";

export type CheckFormat = "text" | "json" | "junit" | "sarif";
export const CHECK_FORMATS: readonly CheckFormat[] = ["text", "json", "junit", "sarif"];

export interface CheckOptions {
  desired: string;
  defaultNamespace?: string;
  normalize: NormalizeOptions;
  analysis: AnalysisOptions;
  output: CheckFormat;
  outFile?: string;
}

/** 0 clean, 1 violations, 2 the desired state could not be read whole. */
export async function runCheck(opts: CheckOptions, io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const desired = await loadDesired(opts.desired, {
    defaultNamespace: opts.defaultNamespace,
    normalize: opts.normalize,
  });
  const violations = checkInvariants({ policies: desired.policies, side: "desired", options: opts.analysis });
  const result: CheckResult = {
    namespaces: [...new Set(desired.policies.map((p) => p.namespace))].sort(),
    violations,
    problems: desired.problems,
    root: opts.desired,
  };
  const text = renderCheck(result, opts.output);
  if (opts.outFile) await writeAtomically(opts.outFile, text);
  else io.stdout.write(text);
  if (desired.problems.length > 0) return 2;
  return violations.length > 0 ? 1 : 0;
}

export function renderCheck(r: CheckResult, format: CheckFormat): string {
  if (format === "junit") return renderJunit(r);
  if (format === "sarif") return renderSarif(r);
  if (format === "json")
    return (
      JSON.stringify(
        {
          clean: r.violations.length === 0 && r.problems.length === 0,
          namespaces: r.namespaces,
          violations: r.violations,
          problems: r.problems,
        },
        null,
        2,
      ) + "\n"
    );
  const out = [`netpol-drift check — ${r.namespaces.length} namespace(s) in ${r.root}`];
  if (r.violations.length === 0 && r.problems.length === 0) out.push("clean: every baseline invariant holds");
  if (r.violations.length > 0)
    out.push(
      `${r.violations.length} violation(s):`,
      ...r.violations.map((v) => `  ${violationText({ ...v, file: whereOf(r.root, { file: v.file }) || undefined })}`),
    );
  if (r.problems.length > 0)
    out.push(
      `${r.problems.length} problem(s) reading the desired state:`,
      ...r.problems.map((p) => `  ${whereOf(r.root, p) ? `${whereOf(r.root, p)}: ` : ""}${p.message}`),
    );
  return out.map(terminal).join("\n") + "\n";
}
