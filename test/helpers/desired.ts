// A desired folder as the report reads it: the desired source, each policy through the one normaliser.
import { normalizerFor } from "../../src/core/normalizer.js";
import { defaultNormalizeOptions, type DesiredState, type NormalizeOptions } from "../../src/model/types.js";
import { type AssembleOptions, loadDesiredWith } from "../../src/sources/desired/index.js";

export async function loadNormalized(
  root: string,
  opts: AssembleOptions & { normalize?: NormalizeOptions } = {},
): Promise<DesiredState> {
  const { normalize = defaultNormalizeOptions(), ...rest } = opts;
  return loadDesiredWith(root, normalizerFor(normalize), rest);
}
