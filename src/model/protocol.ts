// The three protocols a NetworkPolicy knows; shared by the policy model and the analysis results.
export type Protocol = "TCP" | "UDP" | "SCTP";
