// The round trip accept must survive: a desired folder on disk, loaded by the real loader, compared with the live
// side through the real normalise and compare; accept's edits written back; the folder loaded and compared again.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { compare } from "../../../src/compare/compare.js";
import { type AcceptResult, acceptDrift, acceptItemsOf, type AcceptItem } from "../../../src/core/accept.js";
import { isKustomization } from "../../../src/core/accept-kustomize.js";
import {
  type DesiredState,
  defaultNormalizeOptions,
  type DriftItem,
  type NormalizeOptions,
} from "../../../src/model/types.js";
import { normalizeLive } from "../../helpers/normalize.js";
import { normalizerFor } from "../../../src/core/normalizer.js";
import { loadDesiredWith } from "../../../src/sources/desired/index.js";
import { YAML_OPTIONS } from "../../../src/sources/desired/parse.js";
import { tempTree } from "../../fixtures/temp-tree.js";

export type Files = Record<string, string>;
export type Raw = Record<string, unknown>;

/**
 * The desired folder, loaded and normalised as the report does it. The one place these tests call the loader:
 * when the loader hands raw objects to core/detect, this is the line to change.
 */
export async function normalisedDesired(root: string, normalize: NormalizeOptions): Promise<DesiredState> {
  return loadDesiredWith(root, normalizerFor(normalize));
}

export interface World {
  files: Files;
  drift: DriftItem[];
  items: AcceptItem[];
  problems: unknown[];
}

/** Load `files` as the desired folder and compare it with `live` (raw server objects). */
export async function detect(
  files: Files,
  live: Raw[],
  normalize: NormalizeOptions = defaultNormalizeOptions(),
): Promise<World> {
  const root = await tempTree(files);
  const desired = await normalisedDesired(root, normalize);
  const livePolicies = normalizeLive(live, normalize);
  const cmp = compare(desired.policies, livePolicies, desired.problems);
  return {
    files,
    drift: cmp.drift,
    items: acceptItemsOf(cmp.drift, desired.policies, livePolicies),
    problems: desired.problems,
  };
}

export function accept(world: World, opts: { reserved?: string[]; normalize?: NormalizeOptions } = {}): AcceptResult {
  const files = new Map(Object.entries(world.files));
  // As the nightly worker reads them: every kustomization under the root.
  const kustomizations = new Map([...files].filter(([p]) => isKustomization(p)));
  return acceptDrift(
    { files, paths: Object.keys(world.files), items: world.items, reserved: opts.reserved, kustomizations },
    { normalize: opts.normalize ?? defaultNormalizeOptions(), yaml: YAML_OPTIONS() },
  );
}

/** The folder with the edits applied (all of them, or those `keep` keeps: a reviewer dropping files). */
export function applied(files: Files, result: AcceptResult, keep: (p: string) => boolean = () => true): Files {
  const out = { ...files };
  for (const e of result.edits) {
    if (!keep(e.path)) continue;
    if (e.text === null) delete out[e.path];
    else out[e.path] = e.text;
  }
  return out;
}

/** Accept everything, then detect again on the edited folder. */
export async function roundTrip(files: Files, live: Raw[], normalize?: NormalizeOptions) {
  const before = await detect(files, live, normalize);
  const result = accept(before, { normalize });
  const edited = applied(files, result);
  const after = await detect(edited, live, normalize);
  return { before, result, edited, after };
}

export async function seed(): Promise<{ files: Files; live: Raw[] }> {
  const { parseCapture } = await import("../../../src/sources/live/file.js");
  const root = path.resolve(import.meta.dirname, "../../..");
  const files: Files = {};
  const { readdir } = await import("node:fs/promises");
  for (const entry of await readdir(path.join(root, "desired"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(path.join(root, "desired"), full).split(path.sep).join("/")] = await readFile(full, "utf8");
  }
  const live = parseCapture(
    await readFile(path.join(root, "examples/live-snapshot.json"), "utf8"),
    "live-snapshot.json",
  );
  return { files, live };
}

/** Lines that differ between two texts of the same length in lines (for "only this line changed"). */
export function changedLines(a: string, b: string): { from: string[]; to: string[] } {
  const x = a.split("\n");
  const y = b.split("\n");
  return { from: x.filter((l) => !y.includes(l)), to: y.filter((l) => !x.includes(l)) };
}

/** A v1 NetworkPolicy's text: the header, then `rest` (the lines after `name:`, as the test writes them). */
export function policyText(name: string, rest: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n${rest}`;
}

/** A stored spec selecting `app=<app>` with one ingress rule (from these peers, on these ports). */
export function ingressSpec(app: string, from: Raw[], ports?: Raw[]): Raw {
  return {
    podSelector: { matchLabels: { app } },
    policyTypes: ["Ingress"],
    ingress: [ports ? { from, ports } : { from }],
  };
}
