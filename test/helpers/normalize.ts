// Raw live objects through the product's one normaliser (core/normalizer), without releasing the inputs the
// way normalizeAll does: tests reuse their fixtures.
import { normalizerFor } from "../../src/core/normalizer.js";
import type { NormalizedPolicy, NormalizeOptions } from "../../src/model/types.js";

export function normalizeLive(objects: Record<string, unknown>[], opts: NormalizeOptions): NormalizedPolicy[] {
  const normalize = normalizerFor(opts);
  return objects.map((o) => normalize(o));
}
