import { readdir, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import type { RunConfig } from "../../config/schema.js";
import { acceptDrift, acceptItemsOf } from "../../core/accept.js";
import { isKustomization } from "../../core/accept-kustomize.js";
import type { AcceptPlan } from "../../core/nightly-plan.js";
import { revertSteps } from "../../core/revert.js";
import type { NormalizeOptions, Report } from "../../model/types.js";
import { YAML_OPTIONS } from "../../sources/desired/parse.js";
import type { DriftSides } from "../report.js";

// Accept = merge, the worker's half: read what core/accept needs from the clone's desired folder (the texts of
// the drifted policies' files, every path, which are reached through symbolic links, the kustomizations) and
// hand the edits and the revert steps to the plan. Waived drift is not in `report.drift`, so it is never accepted.

/** Undefined when nothing is to be accepted: no drift, direct mode, or NETPOL_DRIFT_ACCEPT_MODE=off. */
export async function prepareAccept(
  config: Pick<RunConfig, "push" | "acceptMode" | "desiredPath" | "recordsDir">,
  desiredDir: string,
  report: Report,
  sides: DriftSides,
  normalize: NormalizeOptions,
): Promise<AcceptPlan | undefined> {
  if (config.push !== "pr" || config.acceptMode !== "pr" || report.drift.length === 0) return undefined;
  const items = acceptItemsOf(report.drift, sides.desired, sides.live);
  const files = new Map<string, string>();
  const names = new Set(sides.desired.map((p) => p.origin.file).filter((f): f is string => f !== undefined));
  for (const file of names) files.set(file, await readFile(path.join(desiredDir, file), "utf8"));
  const linked = await linkedFiles(desiredDir, names);
  const reserved = path.relative(config.desiredPath, config.recordsDir);
  const paths = await listFiles(desiredDir);
  const kustomizations = new Map<string, string>();
  for (const file of paths.filter(isKustomization))
    kustomizations.set(file, await readFile(path.join(desiredDir, file), "utf8"));
  const accepted = acceptDrift(
    {
      files,
      paths,
      items,
      linked,
      kustomizations,
      ...(reserved.startsWith("..") || path.isAbsolute(reserved) ? {} : { reserved: [reserved] }),
    },
    { normalize, yaml: YAML_OPTIONS() },
  );
  const steps = revertSteps({ items, files, desiredDir: config.desiredPath }, YAML_OPTIONS());
  return { desiredPath: config.desiredPath, edits: accepted.edits, refused: accepted.refused, steps };
}

/**
 * The files the loader reached through a symbolic link: the file itself or any folder on its way (a namespace
 * folder linked to a shared one). Writing one would change every place that links it.
 */
export async function linkedFiles(root: string, files: Iterable<string>): Promise<string[]> {
  const realRoot = await realpath(root);
  const out: string[] = [];
  for (const file of files) {
    // A linked file, or a file in a linked folder, resolves to somewhere else.
    if ((await realpath(path.join(root, file))) !== path.join(realRoot, file)) out.push(file);
  }
  return out;
}

/** Every file under `dir`, relative to it with `/` separators. */
async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name === ".git") continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, p)));
    else out.push(p);
  }
  return out;
}
