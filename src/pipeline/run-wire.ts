import path from "node:path";
import type { RunConfig } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import { createPlatform, type ForgeConfig } from "../sinks/forge/index.js";
import type { RetryPolicy } from "../sinks/retry.js";
import { createSlackNotifier } from "../sinks/slack/send.js";
import type { AnalysisSettings, SourceOptions, WorkloadsSource } from "../model/sources.js";
import { clusterWorkloadsFor } from "../sources/workloads/index.js";
import { detectFromSources } from "../workers/report.js";
import type { RunDeps } from "./run.js";

// Config → the adapters runNightly takes. Shared by the CLI and the tests, so both wire the same pieces.

export interface WireOptions {
  logger: Logger;
  now: () => Date;
  /** The live side and compare options; `desired` is replaced by the folder in the clone. */
  sources: Omit<SourceOptions, "desired">;
  stdin?: NodeJS.ReadableStream;
  /** Tests: small timeouts and a recording sleep for the SaaS edges. */
  edge?: { timeoutMs?: number; retries?: number; sleep?: RetryPolicy["sleep"]; baseDelayMs?: number };
  scratchRoot?: string;
}

export function forgeConfigOf(config: RunConfig, edge: WireOptions["edge"] = {}): ForgeConfig | undefined {
  if (config.forge === "none" || config.push === "direct" || !config.forgeToken || !config.forgeRepo) return undefined;
  const common = { token: config.forgeToken, timeoutMs: edge.timeoutMs, retries: edge.retries };
  return config.forge === "github"
    ? {
        ...common,
        kind: "github",
        repository: config.forgeRepo,
        ...(config.forgeUrl ? { apiUrl: config.forgeUrl } : {}),
      }
    : { ...common, kind: "gitlab", project: config.forgeRepo, ...(config.forgeUrl ? { host: config.forgeUrl } : {}) };
}

/** The analysis settings of the nightly run; the Helm values file is read from the clone at `repoRoot`. */
export function analysisSettingsOf(config: RunConfig, repoRoot: string | undefined): AnalysisSettings {
  return {
    ...(config.tenantPattern ? { tenantPattern: config.tenantPattern } : {}),
    egressAllow: config.egressAllow ?? [],
    airGapped: config.airGapped ?? [],
    ...(config.analysis && config.analysis !== "full" ? { level: config.analysis } : {}),
    ...(config.values && repoRoot
      ? { values: { path: path.join(repoRoot, config.values), name: config.values, setting: "NETPOL_DRIFT_VALUES" } }
      : {}),
  };
}

/** Opt-in: namespaces and pods from the live cluster. Throws UsageError when the live side is a capture. */
export function runWorkloadsOf(config: RunConfig, live: SourceOptions["live"]): WorkloadsSource | undefined {
  return config.resolveWorkloads ? clusterWorkloadsFor(live, "NETPOL_DRIFT_RESOLVE_WORKLOADS") : undefined;
}

export function wireRun(config: RunConfig, opts: WireOptions): RunDeps {
  const edge = opts.edge ?? {};
  const platform = createPlatform(forgeConfigOf(config, edge), {
    logger: opts.logger,
    sleep: edge.sleep,
    baseDelayMs: edge.baseDelayMs,
  });
  const slack = config.slackWebhook
    ? createSlackNotifier({
        webhookUrl: config.slackWebhook,
        timeoutMs: edge.timeoutMs,
        retries: edge.retries,
        sleep: edge.sleep,
        baseDelayMs: edge.baseDelayMs,
        logger: opts.logger,
      })
    : undefined;
  return {
    logger: opts.logger,
    now: opts.now,
    detect: (desiredDir, repoRoot) => {
      const workloads = runWorkloadsOf(config, opts.sources.live);
      const sources: SourceOptions = {
        ...opts.sources,
        desired: desiredDir,
        clusterName: config.cluster,
        analysis: analysisSettingsOf(config, repoRoot),
        ...(workloads ? { workloads } : {}),
      };
      return detectFromSources(sources, { logger: opts.logger, now: opts.now, stdin: opts.stdin });
    },
    ...(platform ? { platform } : {}),
    ...(slack ? { notify: (digest) => slack.send(digest) } : {}),
    ...(opts.scratchRoot ? { scratchRoot: opts.scratchRoot } : {}),
  };
}
