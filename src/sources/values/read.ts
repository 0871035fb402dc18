// The Helm values file of the traffic analysis (--values, NETPOL_DRIFT_VALUES, the nightly run's `values`),
// read in this one place for every command. A file that cannot be read or parsed is a SourceError naming it
// as the user named it (the nightly run reads from a scratch clone: never its temporary path).
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { SourceError } from "../../model/errors.js";
import type { AnalysisSettings } from "../../model/sources.js";
import { errorMessage } from "../../util/errors.js";

export type ValuesFile = NonNullable<AnalysisSettings["values"]>;

/** The parsed document; throws SourceError. */
export async function readValues(v: ValuesFile): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(v.path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw valuesError(v, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : errorMessage(err));
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw valuesError(v, `not valid YAML: ${errorMessage(err).split("\n")[0]}`);
  }
}

/** One shape for everything wrong with the values file: the file as named, and the setting that named it. */
export function valuesError(v: ValuesFile, detail: string): SourceError {
  return new SourceError({ file: v.name, message: `${detail} (${v.setting})` });
}
