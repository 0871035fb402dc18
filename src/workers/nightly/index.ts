import { secretsOf, type RunConfig } from "../../config/schema.js";
import type { Report } from "../../model/types.js";
import { publishDecided } from "../../sinks/git/publish.js";
import { redactError } from "../../util/redact.js";
import { deliverPlan } from "./deliver.js";
import { publishOptions } from "./git.js";
import * as step from "./steps.js";
import { cloneRepo, type NightlyDeps, nightlySettings } from "./wire.js";

// `netpol-drift run`: clone the policy repo, detect drift, plan against the branch tip while publishing the
// record, deliver the PR/MR and the digest, mark them delivered. State lives only in git (the records and their
// `delivery`) and in the forge: every run starts from a fresh clone and completes what is missing.

export async function runNightly(config: RunConfig, deps: NightlyDeps): Promise<step.NightlyResult> {
  const log = deps.logger.child({ cluster: config.cluster });
  const secrets = secretsOf(config);
  return step.inScratch(deps.scratchRoot, async (dir) => {
    let report: Report | undefined;
    try {
      const repo = await cloneRepo(config, dir, log);
      const detected = await deps.detect(repo.path(config.desiredPath), repo.path("."));
      report = detected.report;
      if (!report.complete) return step.incomplete(report, log);
      const plan = step.planOnTip(report, config, nightlySettings(config, deps), deps.now(), detected.accept);
      if (deps.dryRun) return step.printPlan(deps.dryRun, await plan(await step.checkout(repo, config)), report);
      const opts = publishOptions(config, log);
      const { value: planned, ...pushed } = await publishDecided(repo, opts, async (tip) =>
        step.withCommit(await plan(tip)),
      );
      step.logRecorded(log, planned, pushed, report.drift.length);
      const delivered = await deliverPlan(planned, deps, log, secrets);
      const marked = await step.recordDelivery(repo, config, planned, delivered, log, secrets);
      return { outcome: delivered.failures + marked > 0 ? "incomplete" : "clean", report };
    } catch (err) {
      log.error({ err: redactError(err, secrets) }, "nightly run failed");
      return { outcome: "incomplete", ...(report ? { report } : {}) };
    }
  });
}
