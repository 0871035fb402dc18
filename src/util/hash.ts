import { hash } from "node:crypto";

// Hashing is deterministic and touches nothing outside the process: the pure stages may use it through here.

/** sha256 of a string, as 64 lowercase hex digits. One-shot: 50,000 policies a run are hashed on each side. */
export function sha256(text: string): string {
  return hash("sha256", text, "hex");
}
