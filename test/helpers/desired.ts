// A desired folder as the report sees it: read by the desired source, then through the one normaliser.
import { normalizeDesired } from "../../src/core/detect.js";
import { normalizerFor } from "../../src/core/normalizer.js";
import { defaultNormalizeOptions, type DesiredState, type NormalizeOptions } from "../../src/model/types.js";
import { loadDesired, type AssembleOptions } from "../../src/sources/desired/index.js";

export async function loadNormalized(
  root: string,
  opts: AssembleOptions & { normalize?: NormalizeOptions } = {},
): Promise<DesiredState> {
  const { normalize = defaultNormalizeOptions(), ...rest } = opts;
  return normalizeDesired(await loadDesired(root, rest), normalizerFor(normalize));
}
