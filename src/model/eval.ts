// What `netpol-drift eval` answers: one connection, both ends, and why each side lets it through or not.
import type { SideDecision } from "./analysis.js";
import type { Protocol } from "./protocol.js";

export interface EvalEndpoint {
  /** `namespace/pod`, `namespace/{labels}` or an IP address. */
  name: string;
  kind: "pod" | "external";
}

export interface EvalResult {
  allowed: boolean;
  from: EvalEndpoint;
  to: EvalEndpoint;
  protocol: Protocol;
  port: number;
  egress: SideDecision & { allowed: boolean; reason: string };
  ingress: SideDecision & { allowed: boolean; reason: string };
  notes: string[];
}
