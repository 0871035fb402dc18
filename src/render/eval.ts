// `netpol-drift eval`: the verdict on one connection, for the terminal or as JSON.
import type { EvalResult } from "../model/eval.js";
import { terminal } from "./escape.js";

export type EvalFormat = "text" | "json";
export const EVAL_FORMATS: readonly EvalFormat[] = ["text", "json"];

export function renderEval(r: EvalResult, format: EvalFormat): string {
  return format === "json" ? `${JSON.stringify(r, null, 2)}\n` : evalText(r);
}

/** The verdict, then each side and why. */
export function evalText(r: EvalResult): string {
  const out = [`${r.allowed ? "ALLOWED" : "DENIED"}: ${r.from.name} → ${r.to.name}  ${r.protocol} ${r.port}`];
  out.push(`  egress  (sender):   ${r.egress.allowed ? "allows" : "denies"} — ${r.egress.reason}`);
  out.push(`  ingress (receiver): ${r.ingress.allowed ? "allows" : "denies"} — ${r.ingress.reason}`);
  for (const n of r.notes) out.push(`  note: ${n}`);
  return `${out.map(terminal).join("\n")}\n`;
}
