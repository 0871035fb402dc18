// What `netpol-drift check` concludes: the baseline invariants on the desired state alone. Rendered as text,
// JSON, JUnit and SARIF (render/check.ts, junit.ts, sarif.ts); `diff` reuses it for its SARIF and JUnit.
import type { InvariantId, Violation } from "./analysis.js";
import type { Problem, WaiverRef } from "./types.js";

/** The baseline invariants, in the order every output lists them. */
export const INVARIANTS: { id: InvariantId; title: string }[] = [
  { id: "default-deny", title: "default deny for ingress and egress" },
  { id: "dns-egress", title: "default egress allows DNS to kube-dns and nothing else" },
  { id: "tenant-isolation", title: "no traffic from or to another tenant" },
  { id: "egress-allow-list", title: "external egress only to allow-listed CIDRs" },
  { id: "air-gapped", title: "no external egress from air-gapped tenants" },
];

export interface CheckResult {
  namespaces: string[];
  violations: Violation[];
  problems: Problem[];
  /** Prefix that turns a desired-relative file into a path from where CI runs (the --desired argument). */
  root: string;
  /** With a rules file: its waivers past their date, ending within 7 days, matching no desired policy. */
  waivers?: { file: string; expired: WaiverRef[]; expiringSoon: WaiverRef[]; unmatched: WaiverRef[] };
}
