// `netpol-drift diff`: resolve each side (a folder, or a commit of the repository the command runs in, read
// without a checkout), load both desired states, build the diff, render, write. Read-only everywhere.
import { stat } from "node:fs/promises";
import path from "node:path";
import type { AnalysisOptions } from "../analyse/types.js";
import { UsageError } from "../model/errors.js";
import type { DesiredState, NormalizeOptions } from "../model/types.js";
import { renderDiffJson, renderDiffText, joinRoot, type DiffFormat } from "../render/diff.js";
import { renderDiffMarkdown } from "../render/diff-markdown.js";
import { renderJunit } from "../render/junit.js";
import { renderSarif } from "../render/sarif.js";
import { loadDesired } from "../sources/desired/index.js";
import { exportTree, isCommit } from "../sources/git/tree.js";
import { buildDiff, diffExitCode, type DiffResult, type DiffSide, type FailOn } from "./build-diff.js";
import { writeAtomically } from "./report.js";

export interface DiffOptions {
  base: string;
  head: string;
  /** Path of the desired folder inside each side (a ref's tree or a folder); "." = the side itself. */
  desired: string;
  /** The git repository refs are read from. */
  repo: string;
  defaultNamespace?: string;
  normalize: NormalizeOptions;
  analysis: AnalysisOptions;
  output: DiffFormat;
  outFile?: string;
  failOn: FailOn;
}

interface LoadedSide {
  side: DiffSide;
  state: DesiredState;
  cleanup: () => Promise<void>;
}

export async function runDiff(opts: DiffOptions, io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const sides: LoadedSide[] = [];
  try {
    for (const which of [opts.base, opts.head]) sides.push(await loadSide(which, opts));
    const [base, head] = sides as [LoadedSide, LoadedSide];
    const result = buildDiff(base.state, head.state, { base: base.side, head: head.side, analysis: opts.analysis });
    const text = renderDiff(result, opts.output);
    if (opts.outFile) await writeAtomically(opts.outFile, text);
    else io.stdout.write(text);
    return diffExitCode(result, opts.failOn);
  } finally {
    await Promise.all(sides.map((s) => s.cleanup()));
  }
}

/** A folder when one exists at that path, else a commit; the name says which it was in the output. */
async function loadSide(name: string, opts: DiffOptions): Promise<LoadedSide> {
  const load = (dir: string) =>
    loadDesired(dir, { defaultNamespace: opts.defaultNamespace, normalize: opts.normalize });
  if (await isDirectory(name)) {
    const dir = path.join(name, opts.desired);
    if (!(await isDirectory(dir))) throw new UsageError(`${dir} is not a folder`);
    return { side: { name, root: dir }, state: await load(dir), cleanup: async () => {} };
  }
  if (!(await isCommit(opts.repo, name)))
    throw new UsageError(`"${name}" is neither a folder nor a commit of the git repository at ${opts.repo}`);
  const tree = await exportTree(opts.repo, name, opts.desired);
  const side: DiffSide = { name, commit: tree.commit, root: opts.desired };
  // A path the commit lacks is an empty desired state (a change that adds the policy folder), never an error.
  const state: DesiredState = tree.exists ? await load(tree.dir) : { policies: [], problems: [], skipped: [] };
  return { side, state, cleanup: tree.cleanup };
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export function renderDiff(r: DiffResult, format: DiffFormat): string {
  if (format === "json") return renderDiffJson(r);
  if (format === "markdown") return renderDiffMarkdown(r);
  if (format === "text") return renderDiffText(r);
  // SARIF and JUnit annotate the head's files: the violations the change introduces, and what failed to load.
  const check = {
    namespaces: [...new Set(r.effects.map((e) => e.namespace))].sort(),
    violations: r.violations.introduced.map((v) => ({
      ...v,
      ...(v.file ? { file: joinRoot(r.head.root, v.file) } : {}),
    })),
    problems: r.problems.map((p) => ({
      ...p,
      ...(p.file ? { file: joinRoot(p.side === "base" ? r.base.root : r.head.root, p.file) } : {}),
    })),
    root: ".",
  };
  return format === "sarif" ? renderSarif(check) : renderJunit(check);
}
