import type { TextLimit } from "../../model/nightly.js";

// One small interface for the forges (Renovate's shape): the nightly run talks to this, never to a forge's API.
// The branch name is the key: one open change request per branch, found again on every run.

export interface ChangeRequest {
  /** PR number (GitHub) or MR iid (GitLab). */
  id: number;
  url: string;
  state: "open" | "closed" | "merged";
  sourceBranch: string;
  title: string;
}

export interface ChangeRequestInput {
  sourceBranch: string;
  targetBranch: string;
  title: string;
  /** Markdown within `Platform.limits.body` (a longer one is refused, not cut). */
  body: string;
}

export interface Platform {
  readonly name: "github" | "gitlab";
  /** The forge's size limits; the caller renders within them (render/nightly/change-request.ts). */
  readonly limits: ForgeLimits;
  /** The open PR/MR whose source branch is `sourceBranch`, if any. */
  findOpen(sourceBranch: string, targetBranch: string): Promise<ChangeRequest | undefined>;
  create(input: ChangeRequestInput): Promise<ChangeRequest>;
  update(id: number, input: Pick<ChangeRequestInput, "title" | "body">): Promise<ChangeRequest>;
  comment(id: number, body: string): Promise<void>;
  close(id: number): Promise<void>;
}

export interface ForgeLimits {
  body: TextLimit;
  comment: TextLimit;
  title: number;
}

/** A text the forge would refuse or cut silently: refused here, before any request (the renderer fits it). */
export function checkLimit(forge: Platform["name"], call: string, what: string, text: string, limit: TextLimit): void {
  const bytes = limit.bytes === undefined ? 0 : Buffer.byteLength(text, "utf8");
  if (text.length <= limit.chars && (limit.bytes === undefined || bytes <= limit.bytes)) return;
  const size = limit.bytes === undefined ? `${text.length} characters` : `${bytes} bytes`;
  const max = limit.bytes === undefined ? `${limit.chars} characters` : `${limit.bytes} bytes`;
  throw new ForgeError(forge, call, "invalid", undefined, `the ${what} is ${size}, over the forge's limit of ${max}`);
}

export type ForgeErrorKind =
  | "auth"
  | "not-found"
  | "invalid"
  | "conflict"
  | "rate-limited"
  | "server"
  | "timeout"
  | "network";

/** A failed forge call, named by the API call; the token never appears in it, and no client error hangs on as cause. */
export class ForgeError extends Error {
  constructor(
    readonly forge: Platform["name"],
    /** e.g. "pulls.create POST /repos/acme/policies/pulls". */
    readonly call: string,
    readonly kind: ForgeErrorKind,
    /** HTTP status; absent when no response came (timeout, network). */
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`${forge} ${call}: ${status ? `HTTP ${status} ` : ""}${detail}`);
    this.name = "ForgeError";
  }
}

export function errorKind(status: number | undefined, timedOut = false): ForgeErrorKind {
  if (timedOut) return "timeout";
  if (status === undefined) return "network";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "server";
  return "invalid";
}
