import type { Logger } from "../../log/logger.js";
import type { PolicyRepo } from "./repo.js";

// Keeps a long-lived branch (the drift branch of PR mode) mergeable into its base without force: when the
// base moved, the base is merged into the branch as an ordinary merge commit, so the push stays a fast-forward
// and the change request's merge base becomes the base's current tip. Files both sides changed are handed to
// `resolve` (the CHANGELOG, appended to on both sides); a conflict it cannot settle leaves the branch as it
// was, for a person to merge.

/** The text of a conflicted file from our side (the branch) and theirs (the base), or undefined to give up. */
export type Resolver = (file: string, ours: string, theirs: string) => string | undefined;

export type MergeOutcome =
  | { outcome: "up-to-date" }
  /** `pending`: the branch still holds something the base lacks (else it now equals the base). */
  | { outcome: "merged"; sha: string; resolved: string[]; pending: boolean }
  | { outcome: "conflict"; files: string[] }
  | { outcome: "unrelated" };

export interface MergeOptions {
  /** The branch checked out (HEAD), as on the remote. */
  branch: string;
  base: string;
  message: string;
  resolve: Resolver;
  logger: Logger;
}

/** Shallow clones see no common ancestor at depth 1: deepen both sides this far before giving up and unshallowing. */
const DEEPEN = [16, 128, 1024];

export async function mergeBaseInto(repo: PolicyRepo, opts: MergeOptions): Promise<MergeOutcome> {
  const theirs = `refs/remotes/origin/${opts.base}`;
  await repo.exec(["fetch", "--depth", "1", "--no-tags", "origin", `+refs/heads/${opts.base}:${theirs}`]);
  const before = await repo.head();
  if (!(await findMergeBase(repo, opts, theirs))) return { outcome: "unrelated" };

  // Explicit flags, so a merge.ff/commit.gpgsign/hook in the environment cannot change what this does.
  let failure: unknown;
  await repo
    .exec(["merge", "--ff", "--no-edit", "--no-verify", "--no-gpg-sign", "--no-stat", "-m", opts.message, theirs])
    .catch((err: unknown) => {
      failure = err;
    });
  const unmerged = (await repo.exec(["diff", "--name-only", "--diff-filter=U", "-z"])).split("\0").filter(Boolean);
  if (failure !== undefined && unmerged.length === 0) {
    await repo.tryExec(["merge", "--abort"]);
    throw failure; // not a conflict: the merge itself failed
  }
  if (unmerged.length > 0 && !(await settle(repo, unmerged, opts))) {
    await repo.exec(["merge", "--abort"]);
    return { outcome: "conflict", files: unmerged };
  }
  const after = await repo.head();
  if (after === before) return { outcome: "up-to-date" };
  const [ours, base] = (await repo.exec(["rev-parse", "HEAD^{tree}", `${theirs}^{tree}`])).trim().split("\n");
  return { outcome: "merged", sha: after, resolved: unmerged, pending: ours !== base };
}

/** Resolve every conflicted file and commit the merge; false when one cannot be resolved. Never leaves a merge half done. */
async function settle(repo: PolicyRepo, unmerged: string[], opts: MergeOptions): Promise<boolean> {
  try {
    for (const file of unmerged) {
      const ours = await repo.tryExec(["cat-file", "blob", `:2:${file}`]);
      const theirs = await repo.tryExec(["cat-file", "blob", `:3:${file}`]);
      const text = ours === undefined || theirs === undefined ? undefined : opts.resolve(file, ours, theirs);
      if (text === undefined) return false;
      await repo.write(file, text);
      await repo.exec(["add", "--", file]);
    }
    await repo.exec(["commit", "--no-verify", "--no-gpg-sign", "-m", opts.message]);
    return true;
  } catch (err) {
    await repo.tryExec(["merge", "--abort"]);
    throw err;
  }
}

async function findMergeBase(repo: PolicyRepo, opts: MergeOptions, theirs: string): Promise<string | undefined> {
  const refspecs = [
    `+refs/heads/${opts.base}:${theirs}`,
    `+refs/heads/${opts.branch}:refs/remotes/origin/${opts.branch}`,
  ];
  for (let i = 0; ; i++) {
    const found = (await repo.tryExec(["merge-base", "HEAD", theirs]))?.trim();
    if (found) return found;
    if ((await repo.exec(["rev-parse", "--is-shallow-repository"])).trim() !== "true") return undefined;
    const depth = DEEPEN[i];
    opts.logger.debug(
      { branch: opts.branch, base: opts.base, deepen: depth ?? "all" },
      "no common ancestor in the shallow clone yet; fetching more history",
    );
    await repo.exec([
      "fetch",
      "--no-tags",
      ...(depth ? [`--deepen=${depth}`] : ["--unshallow"]),
      "origin",
      ...refspecs,
    ]);
  }
}
