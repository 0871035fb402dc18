import type { RawDesired, RawPolicy } from "../../model/sources.js";
import type { DesiredState, NormalizedPolicy, Origin } from "../../model/types.js";
import { type AssembleOptions, assembleDesired } from "./assemble.js";
import { walkDesired } from "./walk.js";

export type { AssembleOptions } from "./assemble.js";

/** Read every policy below `root` (never entering the folders in `skip`: the change records), raw, with its origin. Never throws for bad input: it is in `problems`. */
export async function loadDesired(root: string, opts: AssembleOptions & { skip?: string[] } = {}): Promise<RawDesired> {
  const walked = await walkDesired(root, opts.skip);
  return assembleDesired(walked.files, walked.problems, opts, (found: RawPolicy) => found);
}

/**
 * As loadDesired, each policy through `normalize` as it is found: the report's one normaliser (core/normalizer),
 * the same the live source is given, so raw and normalised copies of a large folder are never both held.
 */
export async function loadDesiredWith(
  root: string,
  normalize: (raw: Record<string, unknown>, at: { namespace: string; origin: Origin }) => NormalizedPolicy,
  opts: AssembleOptions & { skip?: string[] } = {},
): Promise<DesiredState> {
  const walked = await walkDesired(root, opts.skip);
  const { objects, ...rest } = assembleDesired(walked.files, walked.problems, opts, (found) =>
    normalize(found.raw, { namespace: found.namespace, origin: found.origin }),
  );
  return { policies: objects, ...rest };
}
