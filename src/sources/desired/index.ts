import type { DesiredState } from "../../model/types.js";
import { assembleDesired, type AssembleOptions } from "./assemble.js";
import { walkDesired } from "./walk.js";

export type { AssembleOptions } from "./assemble.js";

/**
 * Read and normalise every policy below `root`, never entering the folders in `skip` (the change records).
 * Never throws for bad input: it is in `problems`.
 */
export async function loadDesired(root: string, opts: AssembleOptions & { skip?: string[] }): Promise<DesiredState> {
  const walked = await walkDesired(root, opts.skip);
  return assembleDesired(walked.files, walked.problems, opts);
}
