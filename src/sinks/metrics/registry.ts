// The gauges of one run, in a registry of their own: a pushed batch job has no process to describe, so
// neither the global registry nor prom-client's default process metrics are used.
import { Gauge, Registry } from "prom-client";
import type { DriftItem, DriftState } from "../../model/types.js";

export interface RunMetricsInput {
  cluster: string;
  /** The run did everything it set out to do (drift found is still a success; a failed step is not). */
  success: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** The drift report, when the run got that far. */
  report?: { drift: Pick<DriftItem, "namespace" | "state">[]; problems: unknown[] };
}

/** Metric names, exported so the docs and alert rules in tests cannot drift from the code. */
export const METRIC = {
  policies: "netpol_drift_policies",
  duration: "netpol_drift_run_duration_seconds",
  success: "netpol_drift_run_success",
  lastSuccess: "netpol_drift_last_success_timestamp_seconds",
  problems: "netpol_drift_problems",
} as const;

/**
 * Which gauges a push carries. A successful run replaces the whole group, so it carries everything.
 * A failed run carries only what describes the run itself: the drift gauges and the last-success time
 * stay those of the last successful run (see push.ts for why that needs POST, not PUT).
 */
export function buildRunRegistry(input: RunMetricsInput): Registry {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  gauge(METRIC.duration, "Wall-clock seconds the last netpol-drift run took.").set(
    Math.max(0, (input.finishedAt.getTime() - input.startedAt.getTime()) / 1000),
  );
  gauge(METRIC.success, "1 if the last netpol-drift run succeeded, 0 if it failed.").set(input.success ? 1 : 0);
  if (input.report) {
    gauge(METRIC.problems, "Problems (unparsable files, failed lists) that made the last report incomplete.").set(
      input.report.problems.length,
    );
  }
  if (!input.success) return registry;

  gauge(METRIC.lastSuccess, "Unix time the last successful netpol-drift run finished.").set(
    input.finishedAt.getTime() / 1000,
  );
  const policies = gauge(
    METRIC.policies,
    "Drifted NetworkPolicies by drift state and namespace, as of the last successful run.",
    ["state", "namespace"] as const,
  );
  for (const [key, count] of countByStateAndNamespace(input.report?.drift ?? [])) {
    const [state, namespace] = key.split("\u0000") as [DriftState, string];
    policies.set({ state, namespace }, count);
  }
  return registry;
}

function countByStateAndNamespace(drift: Pick<DriftItem, "namespace" | "state">[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of drift) {
    const key = `${d.state}\u0000${d.namespace}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
