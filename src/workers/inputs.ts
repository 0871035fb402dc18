// Gathering shared by the workers: the analysis settings with their values file read (sources/values) and
// merged (core/analysis-options). One place, one error shape (F-P5): a SourceError naming the file.
import type { AnalysisOptions } from "../analyse/types.js";
import { analysisOptionsOf } from "../core/analysis-options.js";
import type { AnalysisSettings } from "../model/sources.js";
import { readValues } from "../sources/values/read.js";

/** Throws SourceError when the values file cannot be read or holds a wrong entry. */
export async function readAnalysisOptions(settings: AnalysisSettings): Promise<AnalysisOptions> {
  return analysisOptionsOf(settings, settings.values ? await readValues(settings.values) : undefined);
}
