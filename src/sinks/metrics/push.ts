// Pushes one run's gauges to a Prometheus Pushgateway: job "netpol-drift", grouping key {cluster}.
//
// PUT vs POST, and why last_success survives a failed run:
//   PUT  (prom-client `push`)    replaces every metric in the group {job, cluster}.
//   POST (prom-client `pushAdd`) replaces only the metric names present in the pushed body; others stay.
// A successful run PUTs the full set, so series of namespaces that stopped drifting disappear. A failed run
// POSTs only run_success, run_duration (and problems when a report exists): last_success and the drift
// gauges are not in the body, so the values of the last successful run stay, and
// `time() - netpol_drift_last_success_timestamp_seconds` keeps growing until a run succeeds again. A PUT
// there would erase them, and an "empty" drift family cannot be POSTed to clear stale series (the
// Pushgateway drops a family without samples), so failed runs never touch the drift gauges.
import { Pushgateway } from "prom-client";
import { redact, safeUrl } from "../../util/redact.js";
import { buildRunRegistry, type RunMetricsInput } from "./registry.js";
import { errorMessage } from "../../util/errors.js";

export const PUSH_JOB = "netpol-drift";

export class MetricsPushError extends Error {
  /** The Pushgateway URL without credentials: the configured one may carry basic auth (user:pass@). */
  readonly gateway: string;
  constructor(gateway: string, detail: string) {
    super(redact(`push to the Pushgateway ${safeUrl(gateway)} failed: ${detail}`));
    this.name = "MetricsPushError";
    this.gateway = safeUrl(gateway);
  }
}

export interface PushOptions {
  /** Base URL of the Pushgateway, e.g. http://pushgateway.monitoring:9091 */
  url: string;
  timeoutMs?: number;
}

/** NETPOL_DRIFT_PUSHGATEWAY → push options, or undefined when metrics are off. Throws on a malformed URL. */
export function pushOptionsFromEnv(env: NodeJS.ProcessEnv): PushOptions | undefined {
  const raw = env.NETPOL_DRIFT_PUSHGATEWAY?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new MetricsPushError(
      "(the configured URL)",
      "NETPOL_DRIFT_PUSHGATEWAY is not a URL (want e.g. http://pushgateway.monitoring:9091)",
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MetricsPushError(raw, `NETPOL_DRIFT_PUSHGATEWAY must be http(s), got ${parsed.protocol}`);
  }
  return { url: raw.replace(/\/+$/, "") };
}

/**
 * The grouping key as URL path segments. A label value with "/" (EKS context names are ARNs:
 * arn:aws:eks:…:cluster/prod) cannot travel as a plain path segment, so it uses the Pushgateway's
 * `label@base64` form; the stored label is still `cluster="arn:…/prod"`.
 */
export function groupingKey(cluster: string): Record<string, string> {
  const value = cluster || "unknown";
  return value.includes("/") ? { "cluster@base64": Buffer.from(value).toString("base64url") } : { cluster: value };
}

export interface PushResult {
  method: "PUT" | "POST";
}

/** Push one run's metrics. Throws MetricsPushError; the caller decides whether that fails the run. */
export async function pushRunMetrics(opts: PushOptions, input: RunMetricsInput): Promise<PushResult> {
  const registry = buildRunRegistry(input);
  const gateway = new Pushgateway(opts.url, { timeout: opts.timeoutMs ?? 10_000 }, registry);
  const params = { jobName: PUSH_JOB, groupings: groupingKey(input.cluster) };
  try {
    if (input.success) await gateway.push(params);
    else await gateway.pushAdd(params);
  } catch (err) {
    throw new MetricsPushError(opts.url, errorMessage(err));
  }
  return { method: input.success ? "PUT" : "POST" };
}
