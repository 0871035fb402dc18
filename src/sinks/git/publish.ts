import type { Logger } from "../../log/logger.js";
import type { PlannedCommit } from "../../model/nightly.js";
import { mergeBaseInto, type Resolver } from "./merge.js";
import { GitSinkError, type PolicyRepo } from "./repo.js";

export interface PublishOptions extends PublishBase<void> {
  /**
   * Called on a clean checkout of the remote tip. Reads what is there, writes what is missing and returns
   * the commit message and the paths it wrote, or undefined when the remote already has everything.
   */
  apply: (repo: PolicyRepo, attempt: number) => Promise<{ message: string; paths: string[] } | undefined>;
}

/** Where and how to publish; `T` is what the caller decided on the tip of the attempt that landed. */
export interface PublishBase<T> {
  /** Where the commit goes (netpol-drift/<cluster>, or the target branch in direct mode). */
  branch: string;
  /** Where `branch` starts when it is not on the remote yet. */
  base: string;
  /** How many times to start over when the remote moved between fetch and push. */
  retries: number;
  /**
   * A branch that lives on next to `base` (PR mode): merge `base` in first when it moved, so the change
   * request stays mergeable. `pushAlone` says, after `apply`, whether such a merge is worth a push when
   * `apply` wrote nothing (an open change request: yes; a branch whose drift was resolved: no).
   */
  mergeBase?: { message: string; resolve: Resolver; pushAlone: (decided: T) => boolean };
  logger: Logger;
  /** Wait before retrying a push that lost the race inside the server (another push held the ref). */
  sleep?: (ms: number) => Promise<void>;
}

export interface PublishResult {
  /** "nothing" when the remote already held everything `apply` would write. */
  outcome: "pushed" | "nothing";
  sha?: string;
  attempts: number;
  /** Set when `base` was merged into the branch in the pushed commit(s). */
  merged?: boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Commit on top of the remote tip and push without force. When the push is rejected because the remote
 * moved — a non-fast-forward, or a ref update that lost to a concurrent push inside the server — fetch the
 * new tip and run `apply` again on it rather than replaying our commit textually: the CHANGELOG is appended
 * at its end, which conflicts whenever anyone else appended too, and the new tip may already hold what we
 * were about to write (a concurrent run for the same cluster).
 */
export async function publish(repo: PolicyRepo, opts: PublishOptions): Promise<PublishResult> {
  const { value: _none, ...result } = await publishLoop(repo, opts, async (r, attempt) => ({
    change: await opts.apply(r, attempt),
    value: undefined,
  }));
  return result;
}

/**
 * publish() for a caller that decides on each attempt's tip what to commit: `decide` returns the commit (its
 * files are written here) and a value, and the value of the attempt that landed comes back with the result.
 */
export async function publishDecided<T>(
  repo: PolicyRepo,
  opts: PublishBase<T>,
  decide: (repo: PolicyRepo, attempt: number) => Promise<{ commit?: PlannedCommit; value: T }>,
): Promise<PublishResult & { value: T }> {
  return publishLoop(repo, opts, async (r, attempt) => {
    const { commit, value } = await decide(r, attempt);
    if (!commit) return { value };
    const paths: string[] = [];
    for (const f of commit.files) {
      if (f.text !== null) await r.write(f.path, f.text);
      // A deletion of a file the tip does not have is no change: git add would refuse the path.
      else if (!(await r.remove(f.path))) continue;
      paths.push(f.path);
    }
    return { change: { message: commit.message, paths }, value };
  });
}

async function publishLoop<T>(
  repo: PolicyRepo,
  opts: PublishBase<T>,
  step: (repo: PolicyRepo, attempt: number) => Promise<{ change?: { message: string; paths: string[] }; value: T }>,
): Promise<PublishResult & { value: T }> {
  let last = "";
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    const { tip, existed } = await repo.syncTo(opts.branch, opts.base);
    opts.logger.debug({ branch: opts.branch, tip, existed, attempt }, "synced to the remote tip");
    const merged =
      existed && opts.branch !== opts.base && opts.mergeBase ? await bringInBase(repo, opts, opts.mergeBase) : false;
    // `merged` is true only when a merge commit holds something the base lacks: worth a push on its own.
    const { change, value } = await step(repo, attempt);
    const sha = change ? await repo.commit(change.message, change.paths) : undefined;
    if (!sha && !(merged && opts.mergeBase?.pushAlone(value))) return { outcome: "nothing", attempts: attempt, value };
    const pushed = await repo.push(opts.branch);
    const head = sha ?? (await repo.head());
    if (pushed.outcome === "pushed") {
      opts.logger.info({ branch: opts.branch, sha: head, attempt, merged }, "pushed");
      return { outcome: "pushed", sha: head, attempts: attempt, ...(merged ? { merged } : {}), value };
    }
    last = pushed.detail;
    opts.logger.warn(
      { branch: opts.branch, attempt, rejected: pushed.detail },
      "push rejected because the remote moved; fetching and applying again",
    );
    await backOff(pushed.lostRace, attempt, opts);
  }
  throw keptMoving(opts.branch, opts.retries, last);
}

/** Before the next attempt: a ref lock held by a push still in flight clears in moments; a non-fast-forward
 *  needs no wait. */
export async function backOff(
  lostRace: boolean,
  attempt: number,
  opts: { retries: number; sleep?: (ms: number) => Promise<void> },
): Promise<void> {
  if (lostRace && attempt <= opts.retries)
    await (opts.sleep ?? realSleep)(Math.round(100 * attempt * (1 + Math.random())));
}

/** The error after the last attempt was refused too. */
export function keptMoving(ref: string, retries: number, last: string): GitSinkError {
  return new GitSinkError(
    `git push origin ${ref}`,
    `the remote kept moving: rejected ${retries + 1} times (last: ${last})`,
  );
}

async function bringInBase<T>(
  repo: PolicyRepo,
  opts: PublishBase<T>,
  merge: NonNullable<PublishBase<T>["mergeBase"]>,
): Promise<boolean> {
  const res = await mergeBaseInto(repo, {
    branch: opts.branch,
    base: opts.base,
    message: merge.message,
    resolve: merge.resolve,
    logger: opts.logger,
  });
  const log = { branch: opts.branch, base: opts.base };
  if (res.outcome === "merged")
    opts.logger.info(
      { ...log, sha: res.sha, resolved: res.resolved },
      "merged the base branch into the branch so its change request stays mergeable",
    );
  else if (res.outcome === "conflict")
    opts.logger.warn(
      { ...log, files: res.files },
      "the base branch cannot be merged into the branch automatically; its change request needs a person to merge",
    );
  else if (res.outcome === "unrelated")
    opts.logger.warn(log, "the branch and its base share no history; left as it is");
  // A branch that now equals its base (its change request was merged) needs no push of its own.
  return res.outcome === "merged" && res.pending;
}
