// Settings of the traffic analysis + the Helm values document → AnalysisOptions. Pure: the flags (report,
// check, eval) and the nightly config both produce AnalysisSettings; sources/values reads the file.
import { AnalysisOptionsError, optionsFromValues, tenantNamespace } from "../analyse/options.js";
import { defaultAnalysisOptions, type AnalysisOptions } from "../analyse/types.js";
import { SourceError } from "../model/errors.js";
import type { AnalysisSettings } from "../model/sources.js";

/** `values`: the parsed values file when the settings name one. Throws SourceError for a wrong entry in it. */
export function analysisOptionsOf(s: AnalysisSettings, values?: unknown): AnalysisOptions {
  let options = defaultAnalysisOptions();
  if (s.tenantPattern) options.tenantPattern = s.tenantPattern;
  options.ipBlockMatchesPods = Boolean(s.ipBlockMatchesPods);
  if (s.level) options.level = s.level;
  if (s.maxFlows !== undefined) options.maxFlows = s.maxFlows;
  if (s.values && values !== undefined) {
    try {
      options = optionsFromValues(values, options);
    } catch (err) {
      if (!(err instanceof AnalysisOptionsError)) throw err;
      throw new SourceError({ file: s.values.name, message: `${err.message} (${s.values.setting})` });
    }
  }
  if (s.egressAllow?.length) options.egressAllowList = [...(options.egressAllowList ?? []), ...s.egressAllow];
  for (const name of s.airGapped ?? [])
    options.airGapped = [...new Set([...options.airGapped, tenantNamespace(name, options)])];
  return options;
}
