import type { ParseArgsConfig } from "node:util";
import { UsageError } from "../model/errors.js";
import { DEFAULT_IGNORED_LABELS, type NormalizeOptions } from "../model/types.js";
import type { SourceOptions } from "../pipeline/report.js";

// Flags shared by every command that reads both sides (report, run).
export const SOURCE_FLAGS = {
  desired: { type: "string" },
  "default-namespace": { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "live-file": { type: "string" },
  "all-namespaces": { type: "boolean", short: "A" },
  "page-size": { type: "string" },
  namespace: { type: "string", short: "n", multiple: true },
  "exclude-namespace": { type: "string", multiple: true },
  "ignore-label": { type: "string", multiple: true },
  "no-default-ignore-labels": { type: "boolean" },
  "compare-annotation": { type: "string", multiple: true },
  "cluster-name": { type: "string" },
  "log-level": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const SOURCE_HELP = `Sources:
  --desired DIR                 desired-state folder (required by report)
  --default-namespace NS        namespace for files at the folder root that name none
  --kubeconfig FILE             kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME                kubeconfig context
  --live-file FILE|-            a \`kubectl get netpol -A -o json|yaml\` capture instead of a cluster
  -A, --all-namespaces          the --live-file capture covers every namespace (as kubectl get -A); without
                                it or -n, a capture of one namespace or none cannot stand for the cluster
  --page-size N                 list page size (default 500)
  -n, --namespace NS            only this namespace (repeatable), both sides
  --exclude-namespace GLOB      leave these namespaces out (repeatable), both sides
  --ignore-label KEY            label key (glob) never compared, added to the defaults (repeatable)
  --no-default-ignore-labels    compare the tool-managed labels too
  --compare-annotation KEY      annotation key (glob) to compare (repeatable; none by default)
  --cluster-name NAME           name of the cluster in the report (default: from the kubeconfig)
  --log-level LEVEL             pino level (default info; NETPOL_DRIFT_LOG_LEVEL)`;

type Values = {
  [K in keyof typeof SOURCE_FLAGS]?: (typeof SOURCE_FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof SOURCE_FLAGS)[K] extends { type: "boolean" }
      ? boolean
      : string;
};

/** Flags → validated source options (kubectl's complete/validate step). */
export function sourceOptions(v: Values, defaults: { desired?: string } = {}): SourceOptions {
  if (v["live-file"] && (v.kubeconfig || v.context)) {
    throw new UsageError("--live-file and --kubeconfig/--context are two different live sources: pass one");
  }
  const pageSize = v["page-size"] === undefined ? 500 : Number(v["page-size"]);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
    throw new UsageError(`--page-size must be a whole number from 1 to 100000, got "${v["page-size"]}"`);
  }
  for (const ns of v.namespace ?? []) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns))
      throw new UsageError(`--namespace "${ns}" is not a valid namespace name`);
  }
  // Every root-level policy would land in it: a typo here would be reported as policies "missing".
  const defaultNs = v["default-namespace"];
  if (defaultNs !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(defaultNs)) {
    throw new UsageError(`--default-namespace "${defaultNs}" is not a valid namespace name`);
  }
  const normalize: NormalizeOptions = {
    ignoreLabels: [...(v["no-default-ignore-labels"] ? [] : DEFAULT_IGNORED_LABELS), ...(v["ignore-label"] ?? [])],
    compareAnnotations: v["compare-annotation"] ?? [],
  };
  return {
    desired: v.desired ?? defaults.desired ?? "desired",
    defaultNamespace: v["default-namespace"],
    live: v["live-file"]
      ? { kind: "file", file: v["live-file"], allNamespaces: v["all-namespaces"] === true }
      : { kind: "cluster", kubeconfig: v.kubeconfig, context: v.context, pageSize },
    scope: { namespaces: v.namespace ?? [], exclude: v["exclude-namespace"] ?? [] },
    normalize,
    clusterName: v["cluster-name"],
  };
}
