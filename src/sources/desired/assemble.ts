import type { DesiredState, NormalizedPolicy, NormalizeOptions, Problem, Skipped } from "../../model/types.js";
import { normalizePolicy } from "../../normalize/policy.js";
import { isRecord } from "../../util/values.js";
import { parseManifestText } from "./parse.js";
import { namespaceError } from "./validate.js";
import { type ManifestFile, nsOf } from "./walk.js";

export interface AssembleOptions {
  /** Namespace for objects that name none and sit at the root of the desired folder. */
  defaultNamespace?: string;
  normalize: NormalizeOptions;
  /** Parse every file with the position-keeping parser (the fast path's reference, for tests and bench/). */
  positions?: boolean;
}

/** One file read to what the desired state keeps of it: its policies normalised, its skips and problems. */
export interface PreparedFile {
  skipped: Skipped[];
  problems: Problem[];
  policies: { key: string; namespace: string; name: string; file: string; line: number; policy: NormalizedPolicy }[];
}

/**
 * Files → desired state. Pure: the walk that read the files is the caller's. Namespace: the object's own,
 * else the first folder under the root, else the default, else a problem naming the file.
 */
export function assembleDesired(files: ManifestFile[], walkProblems: Problem[], opts: AssembleOptions): DesiredState {
  const state: DesiredState = { policies: [], skipped: [], problems: [...walkProblems] };
  const byKey = new Map<string, PreparedFile["policies"][number]>();
  const duplicated = new Set<string>();
  for (const file of files) {
    const prepared = (file.prepared as PreparedFile | undefined) ?? prepareFile(file, opts);
    state.skipped.push(...prepared.skipped);
    state.problems.push(...prepared.problems);
    for (const found of prepared.policies) {
      const { key, namespace, name } = found;
      const first = byKey.get(key);
      if (!first) {
        byKey.set(key, found);
        continue;
      }
      duplicated.add(key);
      const here = `${found.file}:${found.line}`;
      const there = `${first.file}:${first.line}`;
      state.problems.push({
        file: found.file,
        line: found.line,
        namespace,
        name,
        message: `${key} is declared twice: here and at ${there}`,
      });
      state.problems.push({
        file: first.file,
        line: first.line,
        namespace,
        name,
        message: `${key} is declared twice: here and at ${here}`,
      });
    }
  }
  for (const [key, found] of byKey) {
    if (duplicated.has(key)) continue; // which one is meant is unknown: no verdict on it
    state.policies.push(found.policy);
  }
  return state;
}

/**
 * One file parsed and normalised as soon as it is read (the walk's `each`): the raw documents and the text of
 * a large folder are never all held at once. Duplicates across files are found when the files are assembled.
 */
export function prepareFile(file: ManifestFile, opts: AssembleOptions): PreparedFile {
  const out: PreparedFile = { skipped: [], problems: [], policies: [] };
  const folderNs = nsOf(file.rel);
  const fallback = folderNs !== "*" ? folderNs : opts.defaultNamespace;
  const parsed = parseManifestText(file.text, file.rel, fallback ?? "*", { positions: opts.positions });
  out.skipped.push(...parsed.skipped);
  out.problems.push(...parsed.problems);
  for (const found of parsed.policies) {
    const meta = isRecord(found.raw.metadata) ? found.raw.metadata : {};
    const namespace = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : fallback;
    const name = String(meta.name);
    if (!namespace) {
      out.problems.push({
        file: found.file,
        line: found.line,
        namespace: "*",
        message: `NetworkPolicy "${name}" has no metadata.namespace, is not in a namespace folder, and no --default-namespace is set`,
      });
      continue;
    }
    const badNs = namespace === fallback && namespace === folderNs ? namespaceError(namespace) : undefined;
    if (badNs) {
      // A folder that cannot be a namespace would read as "missing" in a namespace that cannot exist.
      out.problems.push({
        file: found.file,
        line: found.line,
        namespace,
        message: `${badNs} (from the folder name ${folderNs}/)`,
      });
      continue;
    }
    out.policies.push({
      key: `${namespace}/${name}`,
      namespace,
      name,
      file: found.file,
      line: found.line,
      policy: normalizePolicy(
        found.raw,
        namespace,
        { file: found.file, line: found.line, rules: found.rules },
        opts.normalize,
      ),
    });
  }
  return out;
}
