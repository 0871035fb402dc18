import type { RawDesired } from "../../model/sources.js";
import { assembleDesired, type AssembleOptions } from "./assemble.js";
import { walkDesired } from "./walk.js";

export type { AssembleOptions } from "./assemble.js";

/** Read every policy below `root`, raw, with its origin. Never throws for bad input: it is in `problems`. */
export async function loadDesired(root: string, opts: AssembleOptions = {}): Promise<RawDesired> {
  const walked = await walkDesired(root);
  return assembleDesired(walked.files, walked.problems, opts);
}
