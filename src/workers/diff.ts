// `netpol-drift diff`: resolve each side (a folder, or a commit of the repository the command runs in, read
// without a checkout), load both desired states, build the diff, render, write. Read-only everywhere.
import { stat } from "node:fs/promises";
import path from "node:path";
import { buildDiff, diffOutcome } from "../core/diff.js";
import { normalizerFor } from "../core/normalizer.js";
import type { DiffSide, FailOn } from "../model/diff.js";
import { UsageError } from "../model/errors.js";
import type { WorkerResult } from "../model/outcome.js";
import type { AnalysisSettings } from "../model/sources.js";
import type { DesiredState, NormalizeOptions } from "../model/types.js";
import type { DiffFormat } from "../render/diff.js";
import { renderDiff } from "../render/diff-formats.js";
import { writeAtomically } from "../sinks/file.js";
import { loadDesiredWith } from "../sources/desired/index.js";
import { exportTree, isCommit } from "../sources/git/tree.js";
import { rulesFor } from "../rules/load.js";
import { readAnalysisOptions } from "./inputs.js";

export interface DiffOptions {
  base: string;
  head: string;
  /** Path of the desired folder inside each side (a ref's tree or a folder); "." = the side itself. */
  desired: string;
  /** The git repository refs are read from. */
  repo: string;
  defaultNamespace?: string;
  normalize: NormalizeOptions;
  analysis: AnalysisSettings;
  output: DiffFormat;
  outFile?: string;
  failOn: FailOn;
  /** The rules file: a path, none (false), or the default at the repository root (undefined). */
  rules?: string | false;
}

interface LoadedSide {
  side: DiffSide;
  state: DesiredState;
  cleanup: () => Promise<void>;
}

export async function runDiff(opts: DiffOptions, now: () => Date = () => new Date()): Promise<WorkerResult> {
  const sides: LoadedSide[] = [];
  try {
    const analysis = await readAnalysisOptions(opts.analysis);
    for (const which of [opts.base, opts.head]) sides.push(await loadSide(which, opts));
    const [base, head] = sides as [LoadedSide, LoadedSide];
    const rules = await headRules(opts);
    const result = buildDiff(base.state, head.state, {
      base: base.side,
      head: head.side,
      analysis,
      rules: { ...rules, now: now() },
    });
    const text = renderDiff(result, opts.output);
    if (opts.outFile) await writeAtomically(opts.outFile, text);
    return { outcome: diffOutcome(result, opts.failOn), stdout: opts.outFile ? "" : text };
  } finally {
    await Promise.all(sides.map((s) => s.cleanup()));
  }
}

/**
 * The rules file the change leaves: `--rules`, else `.netpol-drift.yaml` at the root of the head folder's
 * repository, or of the working tree of the repository refs are read from (the checked-out head in CI). Named
 * from the head's desired root, as the head's other files are.
 */
async function headRules(opts: DiffOptions) {
  const from = (await isDirectory(opts.head)) ? path.join(opts.head, opts.desired) : path.join(opts.repo, opts.desired);
  return rulesFor(from, opts.rules, { relativeTo: from });
}

/** A folder when one exists at that path, else a commit; the name says which it was in the output. */
async function loadSide(name: string, opts: DiffOptions): Promise<LoadedSide> {
  const normalize = normalizerFor(opts.normalize);
  const load = (dir: string) => loadDesiredWith(dir, normalize, { defaultNamespace: opts.defaultNamespace });
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
