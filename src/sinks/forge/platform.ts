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
  /** Markdown; the implementation cuts it to the forge's size limit. */
  body: string;
}

export interface Platform {
  readonly name: "github" | "gitlab";
  /** The open PR/MR whose source branch is `sourceBranch`, if any. */
  findOpen(sourceBranch: string, targetBranch: string): Promise<ChangeRequest | undefined>;
  create(input: ChangeRequestInput): Promise<ChangeRequest>;
  update(id: number, input: Pick<ChangeRequestInput, "title" | "body">): Promise<ChangeRequest>;
  comment(id: number, body: string): Promise<void>;
  close(id: number): Promise<void>;
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

/**
 * Cut Markdown to a forge's limit, counted both in UTF-16 units (JS length, ≥ code points) and, when given, in
 * UTF-8 bytes; cut at a line end where one is near, never inside a surrogate pair, and say so at the end.
 */
export function fitBody(body: string, limit: { chars: number; bytes?: number }): string {
  const fits = (s: string) =>
    s.length <= limit.chars && (limit.bytes === undefined || Buffer.byteLength(s, "utf8") <= limit.bytes);
  if (fits(body)) return body;
  const note = "\n\n_…cut to fit the size limit of this forge._\n";
  const reserve = note + "\n```"; // room for closing a fence the cut leaves open
  let keep = Math.min(body.length, limit.chars);
  for (;;) {
    const candidate = body.slice(0, keep) + reserve;
    if (keep <= 0 || fits(candidate)) break;
    // Each UTF-16 unit is at least one UTF-8 byte, so dropping the excess converges in a step or two.
    const overBytes = limit.bytes === undefined ? 0 : Buffer.byteLength(candidate, "utf8") - limit.bytes;
    keep -= Math.max(1, overBytes, candidate.length - limit.chars);
  }
  let head = body.slice(0, Math.max(0, keep));
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const lineEnd = head.lastIndexOf("\n");
  if (lineEnd > head.length - 2_000) head = head.slice(0, lineEnd);
  if ((head.match(/^```/gm) ?? []).length % 2 === 1) head += "\n```";
  return head + note;
}
