// `netpol-drift diff` in each of its formats, one switch (as render/index.ts is for the report).
import type { CheckResult } from "../model/check.js";
import type { DiffResult } from "../model/diff.js";
import { type DiffFormat, renderDiffJson, renderDiffText } from "./diff.js";
import { renderDiffMarkdown } from "./diff-markdown.js";
import type { WaiverRef } from "../model/rules.js";
import { collapsePath, fileLine, pathUnder } from "../util/location.js";
import { waiverLocation } from "./rules.js";
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
    ...(r.waivers ? { waivers: underHead(r.waivers, r.head.root) } : {}),
  };
  return format === "sarif" ? renderSarif(check) : renderJunit(check);
}

/** The waivers' `file:line` from where CI runs, as the head's files are. */
function underHead(w: NonNullable<CheckResult["waivers"]>, root: string): NonNullable<CheckResult["waivers"]> {
  const move = (x: WaiverRef): WaiverRef => {
    const at = waiverLocation(x);
    return {
      ...x,
      rule: fileLine({ file: collapsePath(pathUnder(root, at.file)), ...(at.line ? { line: at.line } : {}) }),
    };
  };
  return {
    ...w,
    expired: w.expired.map(move),
    expiringSoon: w.expiringSoon.map(move),
    unmatched: w.unmatched.map(move),
  };
}
