import type { DesiredState } from "../../model/types.js";
import { assembleDesired, type AssembleOptions } from "./assemble.js";
import { type WalkOptions, walkDesired } from "./walk.js";

export type { AssembleOptions } from "./assemble.js";
export type { WalkOptions } from "./walk.js";

/** Read and normalise every policy below `root`. Never throws for bad input: it is in `problems`. */
export async function loadDesired(root: string, opts: AssembleOptions & WalkOptions): Promise<DesiredState> {
  const walked = await walkDesired(root, { skip: opts.skip });
  return assembleDesired(walked.files, walked.problems, opts);
}
