// Flags of the live side and the comparison, shared by every command that reads them (report, run; eval for
// its live capture and the cluster it resolves workloads from): one parser, so all refuse the same things.
import { UsageError } from "../model/errors.js";
import type { LiveSourceOptions, SourceOptions } from "../model/sources.js";
import { DEFAULT_IGNORED_LABELS, type NormalizeOptions } from "../model/types.js";
import { globProblem } from "../util/glob.js";
import type { FlagValues } from "./flags.js";

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
} as const;

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

type Values = FlagValues<typeof SOURCE_FLAGS>;
type LiveFlags = Pick<Values, "live-file" | "kubeconfig" | "context" | "page-size" | "all-namespaces">;

const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Flags → validated source options (kubectl's complete/validate step). */
export function sourceOptions(v: Values, defaults: { desired?: string } = {}): SourceOptions {
  const live = liveSource(v);
  for (const ns of v.namespace ?? []) {
    if (!NAMESPACE_NAME.test(ns)) throw new UsageError(`--namespace "${ns}" is not a valid namespace name`);
  }
  validateDefaultNamespace(v["default-namespace"]);
  for (const flag of ["exclude-namespace", "ignore-label", "compare-annotation"] as const) {
    for (const g of v[flag] ?? []) {
      const bad = globProblem(g);
      if (bad) throw new UsageError(`--${flag} "${g}" is not a glob: ${bad}`);
    }
  }
  const normalize: NormalizeOptions = {
    ignoreLabels: [...(v["no-default-ignore-labels"] ? [] : DEFAULT_IGNORED_LABELS), ...(v["ignore-label"] ?? [])],
    compareAnnotations: v["compare-annotation"] ?? [],
  };
  return {
    desired: v.desired ?? defaults.desired ?? "desired",
    defaultNamespace: v["default-namespace"],
    live,
    scope: { namespaces: v.namespace ?? [], exclude: v["exclude-namespace"] ?? [] },
    normalize,
    clusterName: v["cluster-name"],
  };
}

/** The live side: a capture, or the cluster of the kubeconfig (paged). Never both. */
export function liveSource(v: LiveFlags): LiveSourceOptions {
  if (v["live-file"] && (v.kubeconfig || v.context)) {
    throw new UsageError("--live-file and --kubeconfig/--context are two different live sources: pass one");
  }
  const pageSize = v["page-size"] === undefined ? 500 : Number(v["page-size"]);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
    throw new UsageError(`--page-size must be a whole number from 1 to 100000, got "${v["page-size"]}"`);
  }
  return v["live-file"]
    ? { kind: "file", file: v["live-file"], allNamespaces: v["all-namespaces"] === true }
    : { kind: "cluster", kubeconfig: v.kubeconfig, context: v.context, pageSize };
}

/** Every root-level policy would land in it: a typo here would be reported as policies "missing". */
export function validateDefaultNamespace(ns: string | undefined): void {
  if (ns !== undefined && !NAMESPACE_NAME.test(ns))
    throw new UsageError(`--default-namespace "${ns}" is not a valid namespace name`);
}
