import type { NormalizedPolicy, NormalizeOptions, Origin } from "../model/types.js";
import { isRecord } from "../util/values.js";
import { asChangedBy, fieldManagers, newest } from "./managed-fields.js";
import { normalizeAnnotations, normalizeLabels } from "./metadata.js";
import { normalizeSpec } from "./spec.js";

/** A live policy comes from no file: one (frozen) empty origin for all of them. */
export const LIVE_ORIGIN: Origin = Object.freeze({});

/**
 * One NetworkPolicy object (desired manifest or live server object, plain JSON) → our model. Server-owned
 * fields (uid, resourceVersion, generation, creationTimestamp, managedFields, selfLink, status) are dropped
 * by construction: only name, namespace, labels, the chosen annotations and the spec are kept.
 * The caller resolves the namespace; this stays pure.
 */
export function normalizePolicy(
  raw: Record<string, unknown>,
  namespace: string,
  origin: Origin,
  opts: NormalizeOptions,
): NormalizedPolicy {
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const policy: NormalizedPolicy = {
    namespace,
    name: String(meta.name ?? ""),
    ...comparablePartsOf(raw, opts),
    origin,
  };
  const managers = fieldManagers(meta.managedFields);
  const last = newest(managers);
  if (last) {
    policy.changedBy = asChangedBy(last);
    policy.managers = managers;
  }
  return policy;
}

/** What is compared of a raw policy besides its name (labels, annotations, spec), normalised. */
export function comparablePartsOf(
  raw: Record<string, unknown>,
  opts: NormalizeOptions,
): Pick<NormalizedPolicy, "labels" | "annotations" | "spec"> {
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  return {
    labels: normalizeLabels(meta.labels, opts),
    annotations: normalizeAnnotations(meta.annotations, opts),
    spec: normalizeSpec(raw.spec),
  };
}

/** The comparable part, shaped like a manifest: what the diff and the change paths are computed on. */
export function comparable(policy: NormalizedPolicy): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: policy.name, namespace: policy.namespace };
  if (Object.keys(policy.labels).length > 0) metadata.labels = policy.labels;
  if (Object.keys(policy.annotations).length > 0) metadata.annotations = policy.annotations;
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata, spec: policy.spec };
}
