import type { RawPolicy } from "../../model/sources.js";
import type { Problem, Skipped } from "../../model/types.js";
import { isRecord } from "../../util/values.js";
import { parseManifestText } from "./parse.js";
import { namespaceError } from "./validate.js";
import { type ManifestFile, nsOf } from "./walk.js";

export interface AssembleOptions {
  /** Namespace for objects that name none and sit at the root of the desired folder. */
  defaultNamespace?: string;
  /** Parse every file with the position-keeping parser (the fast path's reference, for tests and bench/). */
  positions?: boolean;
}

/** What assembling yields: each policy as `keep` made it, plus what was skipped or wrong. */
export interface Assembled<T> {
  objects: T[];
  skipped: Skipped[];
  problems: Problem[];
}

/** One file read to what the desired state keeps of it: its policies as `keep` made them, its skips and problems. */
export interface PreparedFile<T> {
  skipped: Skipped[];
  problems: Problem[];
  policies: { key: string; namespace: string; name: string; file: string; line: number; policy: T }[];
}

/**
 * Files → the desired objects, each with its namespace and where it was written. This source never normalises:
 * `keep` is the identity (raw objects, for core/detect to normalise) or the report's one normaliser, which the
 * worker hands to both sides. Pure: the walk that read the files is the caller's (and may have prepared each file
 * as it read it). Namespace: the object's own, else the first folder under the root, else the default, else a
 * problem naming the file.
 */
export function assembleDesired<T>(
  files: ManifestFile[],
  walkProblems: Problem[],
  opts: AssembleOptions,
  keep: (found: RawPolicy) => T,
): Assembled<T> {
  const state: Assembled<T> = { objects: [], skipped: [], problems: [...walkProblems] };
  const byKey = new Map<string, PreparedFile<T>["policies"][number]>();
  const duplicated = new Set<string>();
  for (const file of files) {
    const prepared = (file.prepared as PreparedFile<T> | undefined) ?? prepareFile(file, opts, keep);
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
    state.objects.push(found.policy);
  }
  return state;
}

/**
 * One file parsed, and each policy handed to `keep`, as soon as it is read (the walk's `each`): the raw documents
 * and the text of a large folder are never all held at once. Duplicates across files are found when assembling.
 */
export function prepareFile<T>(
  file: ManifestFile,
  opts: AssembleOptions,
  keep: (found: RawPolicy) => T,
): PreparedFile<T> {
  const out: PreparedFile<T> = { skipped: [], problems: [], policies: [] };
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
      policy: keep({ raw: found.raw, namespace, origin: { file: found.file, line: found.line, rules: found.rules } }),
    });
  }
  return out;
}
