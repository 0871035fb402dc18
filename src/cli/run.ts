import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { UsageError } from "../model/errors.js";
import { makeNightlyJob } from "../pipeline/run-job.js";
import type { Outcome } from "../model/outcome.js";
import type { CommandContext } from "./context.js";
import { showHelp } from "./flags.js";
import { SOURCE_FLAGS, SOURCE_HELP, sourceOptions } from "./source-flags.js";

export const RUN_HELP = `netpol-drift run — the nightly job: detect drift, record it in git, open or update the PR/MR, notify Slack

Usage: netpol-drift run [--config FILE] [--kubeconfig FILE | --live-file FILE]

  --config FILE                 YAML file of settings (keys: cluster, repo, branch, desiredPath, changelog,
                                recordsDir, push, forge, forgeUrl, forgeRepo, forgeToken, gitToken, gitUsername,
                                slackWebhook, notify, authorName, authorEmail, pushRetries, tenantPattern,
                                egressAllow, airGapped, values, resolveWorkloads)

Every setting can come from the environment instead, which wins over the file: NETPOL_DRIFT_CLUSTER,
NETPOL_DRIFT_REPO, NETPOL_DRIFT_BRANCH (main), NETPOL_DRIFT_DESIRED_PATH (ops/k8s/network-policies),
NETPOL_DRIFT_CHANGELOG, NETPOL_DRIFT_RECORDS_DIR, NETPOL_DRIFT_PUSH (pr|direct), NETPOL_DRIFT_FORGE
(github|gitlab|none), NETPOL_DRIFT_FORGE_URL, NETPOL_DRIFT_FORGE_REPO, NETPOL_DRIFT_FORGE_TOKEN,
NETPOL_DRIFT_GIT_TOKEN, NETPOL_DRIFT_GIT_USERNAME, NETPOL_DRIFT_SLACK_WEBHOOK, NETPOL_DRIFT_NOTIFY
(changes|always|never), NETPOL_DRIFT_AUTHOR_NAME, NETPOL_DRIFT_AUTHOR_EMAIL, NETPOL_DRIFT_PUSH_RETRIES.
The traffic analysis (as report's flags): NETPOL_DRIFT_TENANT_PATTERN (tenant-*), NETPOL_DRIFT_EGRESS_ALLOW
(comma-separated CIDRs, exceptions after '!': 10.40.12.0/24,203.0.113.0/24!203.0.113.128/25),
NETPOL_DRIFT_AIR_GAPPED (comma-separated tenant names or namespaces), NETPOL_DRIFT_VALUES (the Helm values
file, relative to the policy repo's root, read from the clone), NETPOL_DRIFT_RESOLVE_WORKLOADS (true|false:
list namespaces and pods from the cluster; needs deploy/optional/workloads-reader.yaml). In the YAML file,
egressAllow and airGapped may also be lists.
NETPOL_DRIFT_PUSHGATEWAY (URL) pushes the run's metrics; NETPOL_DRIFT_WORKDIR holds the scratch clone.
The desired state is read from the cloned repo, so --desired does not apply.

${SOURCE_HELP}

Exit codes: 0 the run did its job (drift or not), 2 anything failed (git, forge, Slack, an incomplete report).`;

const RUN_FLAGS = { ...SOURCE_FLAGS, config: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

/** Parse the flags and validate the configuration once; the returned job runs the nightly pipeline. */
export async function prepareRun(args: string[], ctx: CommandContext): Promise<(() => Promise<number>) | "help"> {
  const { values } = parseArgs({ args, options: RUN_FLAGS, allowPositionals: false, strict: true });
  if (values.help) return "help";
  if (values.desired)
    throw new UsageError(
      "run reads the desired state from the cloned repo: set NETPOL_DRIFT_DESIRED_PATH (or desiredPath) instead of --desired",
    );
  const config = await loadConfig({
    file: values.config,
    env: ctx.env,
    flags: values["cluster-name"] ? { cluster: values["cluster-name"] } : {},
  });
  const { desired: _unused, ...sources } = sourceOptions(values);
  const logger = ctx.makeLogger(values["log-level"]);
  return makeNightlyJob(config, { logger, now: ctx.now, sources, stdin: ctx.stdin, env: ctx.env });
}

export async function runCommand(args: string[], ctx: CommandContext): Promise<Outcome> {
  const job = await prepareRun(args, ctx);
  if (job === "help") return showHelp(ctx, RUN_HELP);
  // The nightly job still answers 0 (did its job) or 2 (anything failed): as an Outcome for cli/exit-code.ts.
  return (await job()) === 0 ? "clean" : "incomplete";
}

/** For `schedule`: the job a slot runs, with the flags and configuration checked once up front. */
export async function makeRunJob(args: string[], ctx: CommandContext): Promise<() => Promise<number>> {
  const job = await prepareRun(args, ctx);
  if (job === "help") throw new UsageError("--help is not a run flag to schedule");
  return job;
}
