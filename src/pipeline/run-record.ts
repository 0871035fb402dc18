import type { RunConfig } from "../config/schema.js";
import type { Report } from "../model/types.js";
import { appendEntry } from "../sinks/changelog/changelog.js";
import { mergeChangelog } from "../sinks/changelog/merge.js";
import type { PublishOptions } from "../sinks/git/publish.js";
import type { PolicyRepo } from "../sinks/git/repo.js";
import { NO_DRIFT, shortFingerprint } from "../sinks/record/fingerprint.js";
import {
  buildRecord,
  latestRecordFile,
  parseRecordJson,
  recordFolder,
  type RecordKind,
  type RecordMeta,
} from "../sinks/record/record.js";

// The git half of the nightly run: find the last change record for the cluster in the checked-out branch,
// decide whether today's drift is news, and write the CHANGELOG entry and the record when it is.

export interface RecordState {
  meta: RecordMeta;
  report: Report;
  jsonPath: string;
}

export interface RecordOutcome {
  /** The newest record after this step: the one just written, or the existing one that matched. */
  current?: RecordState;
  /** True when this run wrote `current`. */
  written: boolean;
}

export async function latestRecord(
  repo: PolicyRepo,
  recordsDir: string,
  cluster: string,
): Promise<RecordState | undefined> {
  const folder = recordFolder(recordsDir, cluster);
  const latest = latestRecordFile(await repo.list(folder));
  if (!latest) return undefined;
  const jsonPath = `${folder}/${latest.name}`;
  const text = await repo.read(jsonPath);
  if (text === undefined) return undefined;
  return { ...parseRecordJson(text, jsonPath), jsonPath };
}

/** What today's drift is, next to the last record: news of some kind, or nothing to write. Pure. */
export function decide(last: RecordMeta | undefined, fingerprint: string): RecordKind | undefined {
  if (!last) return fingerprint === NO_DRIFT ? undefined : "new";
  if (last.fingerprint === fingerprint) return undefined;
  if (fingerprint === NO_DRIFT) return "resolved";
  return last.kind === "resolved" ? "new" : "changed";
}

export interface RecordStepInput {
  config: RunConfig;
  report: Report;
  fingerprint: string;
  now: Date;
}

/** The `apply` of publish(): runs on every attempt against the current remote tip and fills `out`. */
export function recordStep(input: RecordStepInput, out: RecordOutcome) {
  return async (repo: PolicyRepo): Promise<{ message: string; paths: string[] } | undefined> => {
    const { config, report, fingerprint, now } = input;
    const last = await latestRecord(repo, config.recordsDir, config.cluster);
    const kind = decide(last?.meta, fingerprint);
    out.current = last;
    out.written = false;
    if (!kind) return undefined;

    const files = buildRecord({
      report,
      kind,
      cluster: config.cluster,
      fingerprint,
      recordsDir: config.recordsDir,
      now,
      sequence: (last?.meta.sequence ?? 0) + 1,
      ...(last ? { previous: { meta: last.meta, report: last.report } } : {}),
    });
    const changelog = appendEntry(await repo.read(config.changelog), {
      cluster: config.cluster,
      kind,
      report,
      fingerprint,
      now,
      recordPath: files.markdownPath,
      changelogPath: config.changelog,
      resolvedCount: last?.report.drift.length,
    });
    await repo.write(files.markdownPath, files.markdown);
    await repo.write(files.jsonPath, files.json);
    await repo.write(config.changelog, changelog);
    out.current = { meta: files.meta, report, jsonPath: files.jsonPath };
    out.written = true;
    return {
      message: commitMessage(config.cluster, kind, report, fingerprint, files.markdownPath),
      paths: [files.markdownPath, files.jsonPath, config.changelog],
    };
  };
}

function commitMessage(
  cluster: string,
  kind: RecordKind,
  report: Report,
  fingerprint: string,
  recordPath: string,
): string {
  const n = report.drift.length;
  const subject =
    kind === "resolved"
      ? `netpol-drift: ${cluster} drift resolved`
      : `netpol-drift: ${cluster} ${kind === "new" ? "drift detected" : "drift changed"} (${n} ${n === 1 ? "policy" : "policies"}, ${shortFingerprint(fingerprint)})`;
  return [
    subject,
    "",
    `Change record: ${recordPath}`,
    "",
    `Netpol-Drift-Cluster: ${cluster}`,
    `Netpol-Drift-Kind: ${kind}`,
    `Netpol-Drift-Fingerprint: ${fingerprint}`,
  ].join("\n");
}

/**
 * PR mode: merge the target branch into the drift branch when it moved, so the change request never goes
 * stale with a CHANGELOG conflict. Only the CHANGELOG is settled automatically (both sides append to it); a
 * merge alone is pushed while the change request is open, not onto the branch of a resolved drift.
 */
export function keepMergeable(config: RunConfig, branch: string, out: RecordOutcome): PublishOptions["mergeBase"] {
  if (config.push !== "pr") return undefined;
  return {
    message: `netpol-drift: merge ${config.branch} into ${branch}\n\nKeeps the change request mergeable: ${config.branch} moved since the branch was last written.\n\nNetpol-Drift-Cluster: ${config.cluster}`,
    resolve: (file, ours, theirs) => (file === config.changelog ? mergeChangelog(ours, theirs) : undefined),
    pushAlone: () => out.current !== undefined && out.current.meta.kind !== "resolved",
  };
}
