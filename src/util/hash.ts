import { createHash } from "node:crypto";

// Hashing is deterministic and touches nothing outside the process: the pure stages may use it through here.

/** sha256 of a string, as 64 lowercase hex digits. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
