import type { Logger } from "../../log/logger.js";
import type { ChangeRequestStep, Delivered, Delivery, NightlyPlan } from "../../model/nightly.js";
import { buildDigestMessage } from "../../render/nightly/slack.js";
import type { Platform } from "../../sinks/forge/platform.js";
import { redactError } from "../../util/redact.js";
import type { NightlyDeps } from "./wire.js";

// After the git record is pushed: the PR/MR step and the digest the plan says are owed. Each is tried on its
// own; a failure is logged and counted, never thrown, so one cannot stop the other and neither can lose the
// git record. What was delivered comes back as a patch for the record's `delivery`.

export async function deliverPlan(
  plan: NightlyPlan,
  deps: Pick<NightlyDeps, "platform" | "notify" | "now">,
  log: Logger,
  secrets: readonly string[],
): Promise<Delivered> {
  const patch: Delivery = {};
  let failures = 0;
  if (plan.changeRequest && deps.platform) {
    try {
      patch.changeRequest = await carryOut(deps.platform, plan.changeRequest, log);
    } catch (err) {
      failures++;
      log.error(
        { forge: deps.platform.name, err: redactError(err, secrets) },
        "forge step failed; the git record is kept and a re-run completes it",
      );
    }
  }
  if (plan.digest && deps.notify) {
    const prUrl = patch.changeRequest?.url ?? plan.digest.prUrl;
    const digest = { ...plan.digest, ...(prUrl ? { prUrl } : {}) };
    try {
      await deps.notify(buildDigestMessage(digest));
      if (plan.record && digest.kind !== "unchanged") patch.slack = { sentAt: deps.now().toISOString() };
      log.info({ kind: digest.kind, total: digest.total }, "digest sent");
    } catch (err) {
      failures++;
      log.error(
        { err: redactError(err, secrets) },
        "notification failed; the git record is kept and a re-run sends it",
      );
    }
  }
  return { patch, failures };
}

/** Open or update the branch's change request, or close it: the branch is the key, found again every run. */
async function carryOut(platform: Platform, step: ChangeRequestStep, log: Logger): Promise<Delivery["changeRequest"]> {
  const open = await platform.findOpen(step.branch, step.base);
  if (step.op === "close") {
    if (!open) return { closed: true };
    // Close first: a re-run after a failed close would otherwise comment a second time. A failed comment after
    // the close leaves the resolution in the CHANGELOG and the record, where it counts.
    await platform.close(open.id);
    await platform.comment(open.id, step.comment);
    log.info({ id: open.id, url: open.url }, "change request closed");
    return { id: open.id, url: open.url, closed: true };
  }
  const text = { title: step.title, body: step.body };
  const cr = open
    ? await platform.update(open.id, text)
    : await platform.create({ sourceBranch: step.branch, targetBranch: step.base, ...text });
  log.info(
    { id: cr.id, url: cr.url, updated: Boolean(open) },
    open ? "change request updated" : "change request opened",
  );
  return { id: cr.id, url: cr.url };
}
