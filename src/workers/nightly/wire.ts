import path from "node:path";
import { secretsOf, type RunConfig } from "../../config/schema.js";
import type { Logger } from "../../log/logger.js";
import type { NightlySettings, SlackMessage } from "../../model/nightly.js";
import type { Report } from "../../model/types.js";
import type { AnalysisSettings, SourceOptions, WorkloadsSource } from "../../model/sources.js";
import { clusterWorkloadsFor } from "../../sources/workloads/index.js";
import { detectWithSides } from "../report.js";
import type { AcceptPlan } from "../../core/nightly-plan.js";
import { prepareAccept } from "./accept.js";
import { createPlatform, forgeConfigFor, gitAuthFor, type Platform } from "../../sinks/forge/index.js";
import { PolicyRepo } from "../../sinks/git/repo.js";
import type { RetryPolicy } from "../../sinks/retry.js";
import { createSlackNotifier } from "../../sinks/slack/send.js";
import { safeUrl } from "../../util/redact.js";

// Config → the adapters the nightly worker takes. Shared by the CLI and the tests, so both wire the same pieces.

export interface NightlyDeps {
  logger: Logger;
  now: () => Date;
  /** Read the desired state from `desiredDir` (inside the clone at `repoRoot`, where the Helm values are too), list live, compare. */
  /** The report, and what accepting its drift writes (PR mode with NETPOL_DRIFT_ACCEPT_MODE=pr). */
  detect: (desiredDir: string, repoRoot: string) => Promise<{ report: Report; accept?: AcceptPlan }>;
  platform?: Platform;
  notify?: (message: SlackMessage) => Promise<void>;
  /** Parent of the scratch clone (default: the OS temp dir). */
  scratchRoot?: string;
  /** Print the plan here and carry nothing out: no push, no forge call, no post. */
  dryRun?: NodeJS.WritableStream;
}

export interface WireOptions {
  logger: Logger;
  now: () => Date;
  /** The live side and compare options; `desired` is replaced by the folder in the clone. */
  sources: Omit<SourceOptions, "desired">;
  stdin?: NodeJS.ReadableStream;
  /**
   * Tests: per-edge timeouts and a recording sleep for the SaaS edges. Each edge has its own timeout so a
   * test that hangs one edge can make that one short without racing the other against a loaded machine.
   */
  edge?: {
    forgeTimeoutMs?: number;
    slackTimeoutMs?: number;
    retries?: number;
    sleep?: RetryPolicy["sleep"];
    baseDelayMs?: number;
  };
  scratchRoot?: string;
  dryRun?: NodeJS.WritableStream;
}

/** The analysis settings of the nightly run; the Helm values file is read from the clone at `repoRoot`. */
export function analysisSettingsOf(config: RunConfig, repoRoot: string | undefined): AnalysisSettings {
  return {
    ...(config.tenantPattern ? { tenantPattern: config.tenantPattern } : {}),
    egressAllow: config.egressAllow ?? [],
    airGapped: config.airGapped ?? [],
    ...(config.analysis && config.analysis !== "full" ? { level: config.analysis } : {}),
    ...(config.maxFlows !== undefined ? { maxFlows: config.maxFlows } : {}),
    ...(config.values && repoRoot
      ? { values: { path: path.join(repoRoot, config.values), name: config.values, setting: "NETPOL_DRIFT_VALUES" } }
      : {}),
  };
}

/** Opt-in: namespaces and pods from the live cluster. Throws UsageError when the live side is a capture. */
export function runWorkloadsOf(config: RunConfig, live: SourceOptions["live"]): WorkloadsSource | undefined {
  return config.resolveWorkloads ? clusterWorkloadsFor(live, "NETPOL_DRIFT_RESOLVE_WORKLOADS") : undefined;
}

/** The one call into detection: the desired folder of the clone, the live side as configured. */
export async function detectNightly(
  config: RunConfig,
  opts: Pick<WireOptions, "sources" | "logger" | "now" | "stdin">,
  desiredDir: string,
  repoRoot: string,
): Promise<{ report: Report; accept?: AcceptPlan }> {
  const workloads = runWorkloadsOf(config, opts.sources.live);
  const sources: SourceOptions = {
    ...opts.sources,
    desired: desiredDir,
    // The scratch path changes every run; the record names where the desired state really lives.
    desiredLabel: `${safeUrl(config.repo)} ${config.branch}:${config.desiredPath}`,
    // Change records are JSON/YAML but no manifests, wherever the configuration puts them (the old default too).
    skip: [path.join(repoRoot, config.recordsDir), path.join(repoRoot, config.desiredPath, "change-records")],
    clusterName: config.cluster,
    analysis: analysisSettingsOf(config, repoRoot),
    ...(workloads ? { workloads } : {}),
  };
  const { report, sides } = await detectWithSides(sources, { logger: opts.logger, now: opts.now, stdin: opts.stdin });
  if (!report.complete) return { report };
  const accept = await prepareAccept(config, desiredDir, report, sides, opts.sources.normalize);
  return { report, ...(accept ? { accept } : {}) };
}

export function wireNightly(config: RunConfig, opts: WireOptions): NightlyDeps {
  const edge = opts.edge ?? {};
  const platform = createPlatform(forgeConfigFor(config, { timeoutMs: edge.forgeTimeoutMs, retries: edge.retries }), {
    logger: opts.logger,
    sleep: edge.sleep,
    baseDelayMs: edge.baseDelayMs,
  });
  const slack = config.slackWebhook
    ? createSlackNotifier({
        webhookUrl: config.slackWebhook,
        timeoutMs: edge.slackTimeoutMs,
        retries: edge.retries,
        sleep: edge.sleep,
        baseDelayMs: edge.baseDelayMs,
        logger: opts.logger,
      })
    : undefined;
  return {
    logger: opts.logger,
    now: opts.now,
    detect: (desiredDir, repoRoot) => detectNightly(config, opts, desiredDir, repoRoot),
    ...(platform ? { platform } : {}),
    ...(slack ? { notify: (message: SlackMessage) => slack.send(message) } : {}),
    ...(opts.scratchRoot ? { scratchRoot: opts.scratchRoot } : {}),
    ...(opts.dryRun ? { dryRun: opts.dryRun } : {}),
  };
}

/** What planNightly needs of the configuration and the wired adapters. */
export function nightlySettings(config: RunConfig, deps: Pick<NightlyDeps, "platform" | "notify">): NightlySettings {
  return {
    cluster: config.cluster,
    branch: config.branch,
    push: config.push,
    recordsDir: config.recordsDir,
    changelog: config.changelog,
    notify: config.notify,
    digest: deps.notify !== undefined,
    ...(deps.platform && config.push === "pr" ? { changeRequest: deps.platform.limits } : {}),
  };
}

/** `git clone --depth 1` of the target branch into `dir`, with the forge's git credentials. */
export async function cloneRepo(config: RunConfig, dir: string, log: Logger): Promise<PolicyRepo> {
  const repo = await PolicyRepo.clone(
    {
      url: config.repo,
      dir,
      auth: gitAuthFor(config),
      author: { name: config.authorName, email: config.authorEmail },
      secrets: secretsOf(config),
    },
    config.branch,
  );
  log.info({ repo: safeUrl(config.repo), branch: config.branch }, "cloned the policy repo");
  return repo;
}
