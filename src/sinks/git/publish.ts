import type { Logger } from "../../log/logger.js";
import { GitSinkError, type PolicyRepo } from "./repo.js";

export interface PublishOptions {
  /** Where the commit goes (netpol-drift/<cluster>, or the target branch in direct mode). */
  branch: string;
  /** Where `branch` starts when it is not on the remote yet. */
  base: string;
  /** How many times to start over when the remote moved between fetch and push. */
  retries: number;
  /**
   * Called on a clean checkout of the remote tip. Reads what is there, writes what is missing and returns
   * the commit message and the paths it wrote, or undefined when the remote already has everything.
   */
  apply: (repo: PolicyRepo, attempt: number) => Promise<{ message: string; paths: string[] } | undefined>;
  logger: Logger;
}

export interface PublishResult {
  /** "nothing" when the remote already held everything `apply` would write. */
  outcome: "pushed" | "nothing";
  sha?: string;
  attempts: number;
}

/**
 * Commit on top of the remote tip and push without force. When the push is rejected because the remote
 * moved, fetch the new tip and run `apply` again on it rather than replaying our commit textually: the
 * CHANGELOG is appended at its end, which conflicts whenever anyone else appended too, and the new tip
 * may already hold what we were about to write (a concurrent run for the same cluster).
 */
export async function publish(repo: PolicyRepo, opts: PublishOptions): Promise<PublishResult> {
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    const { tip, existed } = await repo.syncTo(opts.branch, opts.base);
    opts.logger.debug({ branch: opts.branch, tip, existed, attempt }, "synced to the remote tip");
    const change = await opts.apply(repo, attempt);
    if (!change) return { outcome: "nothing", attempts: attempt };
    const sha = await repo.commit(change.message, change.paths);
    if (!sha) return { outcome: "nothing", attempts: attempt };
    if ((await repo.push(opts.branch)) === "pushed") {
      opts.logger.info({ branch: opts.branch, sha, attempt }, "pushed");
      return { outcome: "pushed", sha, attempts: attempt };
    }
    opts.logger.warn({ branch: opts.branch, attempt }, "push rejected because the remote moved; fetching and applying again");
  }
  throw new GitSinkError(`git push origin ${opts.branch}`, `the remote kept moving: rejected ${opts.retries + 1} times`);
}
