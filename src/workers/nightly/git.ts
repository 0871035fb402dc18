import type { RunConfig } from "../../config/schema.js";
import { commitBranch } from "../../core/nightly-plan.js";
import {
  latestRecordFile,
  mergeDelivery,
  parseDeliveryNote,
  parseRecordJson,
  recordFolder,
} from "../../core/records.js";
import type { BranchState, Delivery, LastRecord, NightlyPlan } from "../../model/nightly.js";
import { mergeChangelog } from "../../render/nightly/changelog-merge.js";
import { mergeBaseMessage } from "../../render/nightly/commit.js";
import { blobAtHead, deliveryNotesRef, fetchNotes, readNote } from "../../sinks/git/notes.js";
import type { PublishBase } from "../../sinks/git/publish.js";
import type { PolicyRepo } from "../../sinks/git/repo.js";
import type { Logger } from "../../log/logger.js";

// The git side of the nightly worker: what the branch tip holds, and how to publish onto it.

/** The newest change record for the cluster (with its delivery note) and the CHANGELOG, as the checked-out tip
 *  has them. */
export async function readTip(
  repo: PolicyRepo,
  config: Pick<
    RunConfig,
    "recordsDir" | "legacyRecordsDir" | "cluster" | "changelog" | "branch" | "push" | "desiredPath"
  >,
): Promise<BranchState> {
  // A repo upgraded from the old default keeps its history there until the first record in the new folder.
  const record =
    (await lastRecordIn(repo, config.recordsDir, config.cluster)) ??
    (config.legacyRecordsDir ? await lastRecordIn(repo, config.legacyRecordsDir, config.cluster) : undefined);
  const changelog = await repo.read(config.changelog);
  const accepted = record?.meta.accept?.files ?? [];
  const base = new Map<string, string | null>();
  // Whether the merge took the accepted files: what the base branch holds of them (few files, read one by one).
  for (const f of accepted)
    base.set(f.path, (await repo.tryExec(["show", `refs/remotes/origin/${config.branch}:${f.path}`])) ?? null);
  const changedFromBase = config.push === "pr" ? await desiredChanges(repo, config) : new Map();
  return {
    ...(record ? { record } : {}),
    ...(changelog !== undefined ? { changelog } : {}),
    ...(accepted.length > 0 ? { base } : {}),
    ...(changedFromBase.size > 0 ? { changedFromBase } : {}),
  };
}

/** The desired files the checked-out drift branch holds differently from the base branch, with base's text. */
async function desiredChanges(
  repo: PolicyRepo,
  config: Pick<RunConfig, "branch" | "desiredPath" | "changelog" | "recordsDir" | "legacyRecordsDir">,
): Promise<Map<string, string | null>> {
  const ours = [config.recordsDir, config.legacyRecordsDir].filter((d): d is string => !!d).map((d) => `${d}/`);
  const baseRef = `refs/remotes/origin/${config.branch}`;
  const names = await repo.tryExec(["diff", "--name-only", "--no-renames", baseRef, "HEAD", "--", config.desiredPath]);
  const out = new Map<string, string | null>();
  for (const file of (names ?? "").split("\n").filter(Boolean)) {
    if (file === config.changelog || ours.some((d) => file.startsWith(d))) continue;
    out.set(file, (await repo.tryExec(["show", `${baseRef}:${file}`])) ?? null);
  }
  return out;
}

async function lastRecordIn(repo: PolicyRepo, recordsDir: string, cluster: string): Promise<LastRecord | undefined> {
  const folder = recordFolder(recordsDir, cluster);
  const latest = latestRecordFile(await repo.list(folder));
  if (!latest) return undefined;
  const jsonPath = `${folder}/${latest.name}`;
  const text = await repo.read(jsonPath);
  if (text === undefined) return undefined;
  const { meta, report } = parseRecordJson(text, jsonPath);
  const delivery = mergeDelivery(meta.delivery, await deliveryNote(repo, cluster, jsonPath));
  return { meta: { ...meta, delivery }, report, jsonPath };
}

/** What the record's delivery note says was delivered (sinks/git/notes.ts); undefined when it has none. */
async function deliveryNote(repo: PolicyRepo, cluster: string, jsonPath: string): Promise<Delivery | undefined> {
  const ref = deliveryNotesRef(cluster);
  if (!(await fetchNotes(repo, ref))) return undefined;
  const object = await blobAtHead(repo, jsonPath);
  const note = await readNote(repo, ref, object);
  return note === undefined ? undefined : parseDeliveryNote(note, `${ref}:${object}`);
}

/**
 * Publishing options for the run's branch. PR mode: merge the target branch into the drift branch when it
 * moved, so the change request never goes stale with a CHANGELOG conflict. Only the CHANGELOG is settled
 * automatically (both sides append to it); a merge alone is pushed while the change request is open, not onto
 * the branch of a resolved drift.
 */
export function publishOptions(config: RunConfig, log: Logger): PublishBase<NightlyPlan | undefined> {
  const branch = commitBranch(config);
  return {
    branch,
    base: config.branch,
    retries: config.pushRetries,
    logger: log,
    ...(config.push === "pr"
      ? {
          mergeBase: {
            message: mergeBaseMessage({ cluster: config.cluster, base: config.branch, branch }),
            // A desired file both changed: base's version, which the plan then edits again with today's accept.
            resolve: (file: string, ours: string, theirs: string) =>
              file === config.changelog
                ? mergeChangelog(ours, theirs)
                : inFolder(file, config.desiredPath)
                  ? theirs
                  : undefined,
            pushAlone: (plan: NightlyPlan | undefined) =>
              plan?.record !== undefined && plan.record.meta.kind !== "resolved",
          },
        }
      : {}),
  };
}

function inFolder(file: string, folder: string): boolean {
  const dir = folder.replace(/\/+$/, "");
  return dir === "" || dir === "." || file.startsWith(`${dir}/`);
}
