import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { redactError, safeUrl } from "../config/redact.js";
import { secretsOf, type RunConfig } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import type { Report } from "../model/types.js";
import type { Platform } from "../sinks/forge/platform.js";
import { publish } from "../sinks/git/publish.js";
import { PolicyRepo, type GitAuth } from "../sinks/git/repo.js";
import type { Digest } from "../sinks/notify-types.js";
import { fingerprint, shortFingerprint } from "../sinks/record/fingerprint.js";
import { withDelivery, type Delivery } from "../sinks/record/record.js";
import { deliver, driftBranch } from "./run-deliver.js";
import { keepMergeable, recordStep, type RecordOutcome } from "./run-record.js";

// `netpol-drift run`, the nightly job. Order matters: the git record is pushed first; the PR/MR and Slack
// come after and can fail without losing it. State lives only in git (the records and their `delivery`)
// and, for the PR/MR, in the forge itself: every run starts from a fresh clone and completes what is missing.

export interface RunDeps {
  logger: Logger;
  now: () => Date;
  /** Read the desired state from `desiredDir` (inside the clone at `repoRoot`, where the Helm values are too), list live, compare. */
  detect: (desiredDir: string, repoRoot?: string) => Promise<Report>;
  platform?: Platform;
  notify?: (digest: Digest) => Promise<void>;
  /** Parent of the scratch clone (default: the OS temp dir). */
  scratchRoot?: string;
}

/** 0 when the run did its job (drift or not), 2 when anything failed or the report could not be trusted. */
export async function runNightly(config: RunConfig, deps: RunDeps): Promise<0 | 2> {
  const secrets = secretsOf(config);
  const log = deps.logger.child({ cluster: config.cluster });
  const scratch = await mkdtemp(path.join(deps.scratchRoot ?? tmpdir(), "netpol-drift-run-"));
  try {
    const now = deps.now();
    const repo = await PolicyRepo.clone(
      {
        url: config.repo,
        dir: path.join(scratch, "repo"),
        auth: gitAuth(config),
        author: { name: config.authorName, email: config.authorEmail },
        secrets,
      },
      config.branch,
    );
    log.info({ repo: safeUrl(config.repo), branch: config.branch }, "cloned the policy repo");

    const detected = await deps.detect(repo.path(config.desiredPath), repo.path("."));
    // The scratch path changes every run; the record names where the desired state really lives.
    const report: Report = {
      ...detected,
      sources: { ...detected.sources, desired: `${safeUrl(config.repo)} ${config.branch}:${config.desiredPath}` },
    };
    if (!report.complete) {
      // A failed list or a broken desired file would read as "drift resolved" or as new drift: record nothing.
      log.error(
        { problems: report.problems.length, withheld: report.withheld },
        "report is incomplete; nothing recorded",
      );
      return 2;
    }
    const fp = fingerprint(report.drift);
    const branch = config.push === "pr" ? driftBranch(config.cluster) : config.branch;
    const outcome: RecordOutcome = { written: false };
    const pushed = await publish(repo, {
      branch,
      base: config.branch,
      retries: config.pushRetries,
      logger: log,
      apply: recordStep({ config, report, fingerprint: fp, now }, outcome),
      mergeBase: keepMergeable(config, branch, outcome),
    });
    log.info(
      {
        fingerprint: shortFingerprint(fp),
        drift: report.drift.length,
        kind: outcome.written ? outcome.current?.meta.kind : "unchanged",
        record: outcome.current?.meta.markdown,
        sha: pushed.sha,
      },
      outcome.written ? "change record pushed" : "drift unchanged since the last record; nothing written",
    );

    const delivered = await deliver({
      config,
      report,
      fingerprint: fp,
      outcome,
      platform: deps.platform,
      notify: deps.notify,
      logger: log,
      now,
      secrets,
    });
    let failures = delivered.failures;
    if (outcome.current && Object.keys(delivered.patch).length > 0) {
      failures += await markDelivered(repo, config, outcome, delivered.patch, log, secrets);
    }
    return failures > 0 ? 2 : 0;
  } catch (err) {
    log.error({ err: redactError(err, secrets) }, "nightly run failed");
    return 2;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Write what was delivered into the record, so the next run does not deliver it again. */
async function markDelivered(
  repo: PolicyRepo,
  config: RunConfig,
  outcome: RecordOutcome,
  patch: Delivery,
  log: Logger,
  secrets: string[],
): Promise<number> {
  const cur = outcome.current;
  if (!cur) return 0;
  const branch = config.push === "pr" ? driftBranch(config.cluster) : config.branch;
  try {
    await publish(repo, {
      branch,
      base: config.branch,
      retries: config.pushRetries,
      logger: log,
      apply: async (r) => {
        const text = await r.read(cur.jsonPath);
        if (text === undefined) return undefined; // the record file is gone from the branch: nothing to mark
        const next = withDelivery(text, cur.jsonPath, patch);
        if (next === text) return undefined;
        await r.write(cur.jsonPath, next);
        const what = [
          patch.changeRequest &&
            (patch.changeRequest.closed ? "change request closed" : `change request ${patch.changeRequest.url ?? ""}`),
          patch.slack && "Slack digest",
        ].filter(Boolean);
        return {
          message: `netpol-drift: ${config.cluster} record ${cur.meta.sequence} delivered (${what.join(", ")})\n\nNetpol-Drift-Cluster: ${config.cluster}\nNetpol-Drift-Fingerprint: ${cur.meta.fingerprint}`,
          paths: [cur.jsonPath],
        };
      },
    });
    return 0;
  } catch (err) {
    log.error({ err: redactError(err, secrets) }, "could not record what was delivered; a re-run may deliver it again");
    return 1;
  }
}

function gitAuth(config: RunConfig): GitAuth | undefined {
  if (!/^https?:\/\//i.test(config.repo) || /^https?:\/\/[^/]*@/i.test(config.repo)) return undefined;
  const token = config.gitToken ?? config.forgeToken;
  if (!token) return undefined;
  const username =
    config.gitUsername ?? (config.forge === "gitlab" ? "oauth2" : config.forge === "github" ? "x-access-token" : "git");
  return { username, token };
}
