import type { RawDesired, RawPolicy } from "../../model/sources.js";
import type { DesiredState, NormalizedPolicy, Origin } from "../../model/types.js";
import { type AssembleOptions, assembleDesired, prepareFile } from "./assemble.js";
import { walkDesired } from "./walk.js";

export type { AssembleOptions } from "./assemble.js";

type LoadOptions = AssembleOptions & {
  /** Folders never entered (the change records), wherever they are. */
  skip?: string[];
};

/** Read every policy below `root`, raw, with its origin. Never throws for bad input: it is in `problems`. */
export async function loadDesired(root: string, opts: LoadOptions = {}): Promise<RawDesired> {
  return load(root, opts, (found: RawPolicy) => found);
}

/**
 * As loadDesired, each policy through `normalize` as its file is read: the report's one normaliser
 * (core/normalizer), the same the live source is given, so the raw documents and the text of a large folder are
 * never all held at once.
 */
export async function loadDesiredWith(
  root: string,
  normalize: (raw: Record<string, unknown>, at: { namespace: string; origin: Origin }) => NormalizedPolicy,
  opts: LoadOptions = {},
): Promise<DesiredState> {
  const { objects, ...rest } = await load(root, opts, (found) =>
    normalize(found.raw, { namespace: found.namespace, origin: found.origin }),
  );
  return { policies: objects, ...rest };
}

async function load<T>(root: string, opts: LoadOptions, keep: (found: RawPolicy) => T) {
  // Each file is parsed (and its policies kept) as it is read; its text goes right after.
  const walked = await walkDesired(
    root,
    (file) => ({ rel: file.rel, text: "", prepared: prepareFile(file, opts, keep) }),
    opts.skip,
  );
  return assembleDesired(walked.files, walked.problems, opts, keep);
}
