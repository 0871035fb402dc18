// Settings of the traffic analysis → AnalysisOptions. The flags (report, check, eval) and the nightly config
// both produce AnalysisSettings; the Helm values file is read here (an edge), the merge itself is pure.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { AnalysisOptionsError, optionsFromValues, tenantNamespace } from "../analyse/options.js";
import { defaultAnalysisOptions, type AnalysisLevel, type AnalysisOptions } from "../analyse/types.js";
import { ValuesFileError } from "../model/errors.js";
import type { IPBlock } from "../model/types.js";
import { errorMessage } from "../util/errors.js";

export interface AnalysisSettings {
  /** Glob with at most one `*` (validated by whoever parsed it); default tenant-*. */
  tenantPattern?: string;
  /** External egress allowed everywhere, added to the values' egressAllowList. */
  egressAllow?: IPBlock[];
  /** Air-gapped tenants by name or namespace; resolved after the values, which may name tenants' namespaces. */
  airGapped?: string[];
  ipBlockMatchesPods?: boolean;
  /** How much analysis the report carries (full, summary, off); absent = full. */
  level?: AnalysisLevel;
  /** The Helm values file: where to read it, how to name it to the user, and the setting that named it. */
  values?: { path: string; name: string; setting: string };
}

/** Throws ValuesFileError when the values file cannot be read or holds a wrong entry. */
export async function resolveAnalysisOptions(s: AnalysisSettings): Promise<AnalysisOptions> {
  let options = defaultAnalysisOptions();
  if (s.tenantPattern) options.tenantPattern = s.tenantPattern;
  options.ipBlockMatchesPods = Boolean(s.ipBlockMatchesPods);
  if (s.level) options.level = s.level;
  if (s.values) options = mergeValues(options, await readValues(s.values), s.values);
  if (s.egressAllow?.length) options.egressAllowList = [...(options.egressAllowList ?? []), ...s.egressAllow];
  for (const name of s.airGapped ?? [])
    options.airGapped = [...new Set([...options.airGapped, tenantNamespace(name, options)])];
  return options;
}

async function readValues(v: NonNullable<AnalysisSettings["values"]>): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(v.path, "utf8");
  } catch (err) {
    // The nightly run reads from a scratch clone: name the file as configured, not by its temporary path.
    const code = (err as { code?: string }).code;
    throw new ValuesFileError(
      v.name,
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : errorMessage(err),
      v.setting,
    );
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new ValuesFileError(v.name, `not valid YAML: ${errorMessage(err).split("\n")[0]}`, v.setting);
  }
}

function mergeValues(
  base: AnalysisOptions,
  values: unknown,
  v: NonNullable<AnalysisSettings["values"]>,
): AnalysisOptions {
  try {
    return optionsFromValues(values, base, "");
  } catch (err) {
    if (err instanceof AnalysisOptionsError) throw new ValuesFileError(v.name, err.message, v.setting);
    throw err;
  }
}
