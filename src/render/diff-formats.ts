// `netpol-drift diff` in each of its formats, one switch (as render/index.ts is for the report).
import type { CheckResult } from "../model/check.js";
import type { DiffResult } from "../model/diff.js";
import { type DiffFormat, renderDiffJson, renderDiffText } from "./diff.js";
import { renderDiffMarkdown } from "./diff-markdown.js";
import { pathUnder } from "../util/location.js";
import { renderJunit } from "./junit.js";
import { renderSarif } from "./sarif.js";

/** Every format of `diff`; SARIF and JUnit annotate the head's files, as `check` annotates the desired folder. */
export function renderDiff(r: DiffResult, format: DiffFormat): string {
  if (format === "json") return renderDiffJson(r);
  if (format === "markdown") return renderDiffMarkdown(r);
  if (format === "text") return renderDiffText(r);
  // The violations the change introduces, and what failed to load, at paths from where CI runs.
  const check: CheckResult = {
    namespaces: [...new Set(r.effects.map((e) => e.namespace))].sort(),
    violations: r.violations.introduced.map((v) => ({
      ...v,
      ...(v.file ? { file: pathUnder(r.head.root, v.file) } : {}),
    })),
    problems: r.problems.map((p) => ({
      ...p,
      ...(p.file ? { file: pathUnder(p.side === "base" ? r.base.root : r.head.root, p.file) } : {}),
    })),
    root: ".",
  };
  return format === "sarif" ? renderSarif(check) : renderJunit(check);
}
