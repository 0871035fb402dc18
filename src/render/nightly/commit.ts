import type { RecordKind } from "../../model/nightly.js";
import { policies, shortFingerprint } from "../phrases.js";

// The nightly run's commit messages. The trailers (Netpol-Drift-*) let people and tools find a cluster's
// commits with `git log --grep`.

export function recordCommitMessage(input: {
  cluster: string;
  kind: RecordKind;
  drifted: number;
  fingerprint: string;
  recordPath: string;
}): string {
  const { cluster, kind } = input;
  const subject =
    kind === "resolved"
      ? `netpol-drift: ${cluster} drift resolved`
      : `netpol-drift: ${cluster} ${kind === "new" ? "drift detected" : "drift changed"} (${policies(input.drifted)}, ${shortFingerprint(input.fingerprint)})`;
  return [
    subject,
    "",
    `Change record: ${input.recordPath}`,
    "",
    `Netpol-Drift-Cluster: ${cluster}`,
    `Netpol-Drift-Kind: ${kind}`,
    `Netpol-Drift-Fingerprint: ${input.fingerprint}`,
  ].join("\n");
}

/** PR mode: the merge of the target branch into the drift branch that keeps the change request mergeable. */
export function mergeBaseMessage(input: { cluster: string; base: string; branch: string }): string {
  return `netpol-drift: merge ${input.base} into ${input.branch}\n\nKeeps the change request mergeable: ${input.base} moved since the branch was last written.\n\nNetpol-Drift-Cluster: ${input.cluster}`;
}
