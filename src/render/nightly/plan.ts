import type { NightlyPlan } from "../../model/nightly.js";
import { terminal } from "../escape.js";
import { policies, shortFingerprint } from "../phrases.js";

// `netpol-drift run --dry-run`: what the run would do, for a person at a terminal (Renovate's "DRY-RUN: Would …").

export function planText(plan: NightlyPlan, drifted: number): string {
  const out = [
    `DRY-RUN: ${policies(drifted)} drifted, fingerprint ${shortFingerprint(plan.fingerprint)}; branch ${plan.branch}`,
  ];
  if (plan.commit) {
    out.push(`Would commit (${plan.kind ?? "record"}): ${plan.commit.message.split("\n")[0]}`);
    for (const f of plan.commit.files)
      out.push(`  ${f.path} (${f.text === null ? "deleted" : `${Buffer.byteLength(f.text, "utf8")} bytes`})`);
  } else {
    out.push(`Would commit nothing: the drift is what ${plan.record ? "the last record says" : "no record needs"}`);
  }
  const cr = plan.changeRequest;
  if (!cr) out.push("Would open, update or close no change request");
  else if (cr.op === "close")
    out.push(`Would close the change request of ${cr.branch} (into ${cr.base}) with a comment`);
  else
    out.push(
      `Would open or update the change request ${cr.branch} → ${cr.base}: ${cr.title} (${cr.body.length} characters)`,
    );
  const d = plan.digest;
  out.push(d ? `Would send the ${d.kind} digest (${policies(d.total)})` : "Would send no digest");
  return `${out.map((l) => terminal(l)).join("\n")}\n`;
}
