import type { RawPolicy } from "../../model/sources.js";
import type { Problem, Skipped } from "../../model/types.js";
import { isRecord } from "../../util/values.js";
import { parseManifestText } from "./parse.js";
import { namespaceError } from "./validate.js";
import { nsOf, type ManifestFile } from "./walk.js";

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

/**
 * Files → the desired objects, each with its namespace and where it was written, handed to `keep` as found.
 * This source never normalises: `keep` is the identity (raw objects, for core/detect to normalise) or the
 * report's one normaliser, which the worker hands to both sides so the raw documents of a large folder are
 * never all held at once. Pure: the walk that read the files is the caller's. Namespace: the object's own,
 * else the first folder under the root, else the default, else a problem naming the file.
 */
export function assembleDesired<T>(
  files: ManifestFile[],
  walkProblems: Problem[],
  opts: AssembleOptions,
  keep: (found: RawPolicy) => T,
): Assembled<T> {
  const state: Assembled<T> = { objects: [], skipped: [], problems: [...walkProblems] };
  const byKey = new Map<string, { file: string; line: number; policy: T }>();
  const duplicated = new Set<string>();

  for (const file of files) {
    const folderNs = nsOf(file.rel);
    const fallback = folderNs !== "*" ? folderNs : opts.defaultNamespace;
    const parsed = parseManifestText(file.text, file.rel, fallback ?? "*", { positions: opts.positions });
    state.skipped.push(...parsed.skipped);
    state.problems.push(...parsed.problems);
    for (const found of parsed.policies) {
      const meta = isRecord(found.raw.metadata) ? found.raw.metadata : {};
      const namespace = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : fallback;
      const name = String(meta.name);
      if (!namespace) {
        state.problems.push({
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
        state.problems.push({
          file: found.file,
          line: found.line,
          namespace,
          message: `${badNs} (from the folder name ${folderNs}/)`,
        });
        continue;
      }
      const key = `${namespace}/${name}`;
      const first = byKey.get(key);
      if (first) {
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
        continue;
      }
      byKey.set(key, {
        file: found.file,
        line: found.line,
        policy: keep({ raw: found.raw, namespace, origin: { file: found.file, line: found.line, rules: found.rules } }),
      });
    }
  }
  for (const [key, found] of byKey) {
    if (duplicated.has(key)) continue; // which one is meant is unknown: no verdict on it
    state.objects.push(found.policy);
  }
  return state;
}
