import type { DesiredState } from "../../model/types.js";
import { type AssembleOptions, assembleDesired, prepareFile } from "./assemble.js";
import { walkDesired } from "./walk.js";

export type { AssembleOptions } from "./assemble.js";

/** Read and normalise every policy below `root`. Never throws for bad input: it is in `problems`. */
export async function loadDesired(root: string, opts: AssembleOptions): Promise<DesiredState> {
  // Each file is parsed and normalised as it is read; its text goes right after.
  const walked = await walkDesired(root, (file) => ({ rel: file.rel, text: "", prepared: prepareFile(file, opts) }));
  return assembleDesired(walked.files, walked.problems, opts);
}
