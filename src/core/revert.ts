import { type Document, parseAllDocuments } from "yaml";
import type { NormalizedPolicy } from "../model/types.js";
import type { RevertStep } from "../render/nightly/revert.js";
import { canonicalJson } from "../normalize/canonical.js";
import { isRecord } from "../util/values.js";
import type { AcceptItem, YamlReadOptions } from "./accept.js";
import { humanPolicy, humanPolicyTypes, newFileText } from "./accept-manifest.js";

// What the revert commands need to know per drifted policy: which file (or which document) to apply, and what
// the apply alone would leave behind. render/nightly/revert.ts writes the commands.

export interface RevertInput {
  items: readonly AcceptItem[];
  /** The desired files that hold a modified or missing policy (as for accept). */
  files: ReadonlyMap<string, string>;
  /** The desired folder from the repository root (`""` when it is the root), as the commands run from a clone. */
  desiredDir: string;
}

export function revertSteps(input: RevertInput, yaml: YamlReadOptions): RevertStep[] {
  return input.items.map((item): RevertStep => {
    if (item.state === "unmanaged") return { state: "unmanaged", namespace: item.live.namespace, name: item.live.name };
    const d = item.desired;
    const step: RevertStep = { state: item.state, namespace: d.namespace, name: d.name };
    const file = d.origin.file;
    const text = file === undefined ? undefined : input.files.get(file);
    if (file !== undefined && text !== undefined && holdsOnlyOnePolicy(text, yaml))
      step.file = input.desiredDir ? `${input.desiredDir.replace(/\/+$/, "")}/${file}` : file;
    else step.document = newFileText(humanPolicy(d));
    if (item.state === "modified") {
      const patch = leftBehind(d, item.live);
      if (patch) step.patch = patch;
    }
    return step;
  });
}

/** One document with content, a policy itself (not a List): applying the file applies that policy and no more. */
function holdsOnlyOnePolicy(text: string, yaml: YamlReadOptions): boolean {
  const docs = parseAllDocuments(text, yaml);
  if (!Array.isArray(docs)) return false;
  const values = (docs as Document[]).map((doc) => doc.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  return values.length === 1 && isRecord(values[0]) && values[0].kind === "NetworkPolicy";
}

/**
 * The merge patch for what server-side apply of the desired manifest leaves live: fields it does not name are
 * another manager's and stay. Labels and annotations that are compared and live only, an ingress or egress
 * list git does not have, and policyTypes (which a manifest may leave to the default).
 */
function leftBehind(d: NormalizedPolicy, l: NormalizedPolicy): Record<string, unknown> | undefined {
  const metadata: Record<string, unknown> = {};
  for (const field of ["labels", "annotations"] as const) {
    const gone = Object.keys(l[field]).filter((k) => !Object.hasOwn(d[field], k));
    if (gone.length > 0) metadata[field] = Object.fromEntries(gone.map((k) => [k, null]));
  }
  const spec: Record<string, unknown> = {};
  for (const field of ["ingress", "egress"] as const) if (l.spec[field] && !d.spec[field]) spec[field] = null;
  if (canonicalJson(d.spec.policyTypes) !== canonicalJson(l.spec.policyTypes))
    spec.policyTypes = humanPolicyTypes(d.spec.policyTypes);
  const patch: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) patch.metadata = metadata;
  if (Object.keys(spec).length > 0) patch.spec = spec;
  return Object.keys(patch).length > 0 ? patch : undefined;
}
