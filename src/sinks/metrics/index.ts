export { METRIC, buildRunRegistry, type RunMetricsInput } from "./registry.js";
export { type MeteredResult, meterRun, type MeterOptions } from "./meter.js";
export {
  MetricsPushError,
  PUSH_JOB,
  groupingKey,
  pushOptionsFromEnv,
  pushRunMetrics,
  type PushOptions,
  type PushResult,
} from "./push.js";
