// GitHub (and GitHub Enterprise Server) behind Platform, through @octokit/rest.
// Contract (docs.github.com/rest/pulls/pulls): pulls.list filters by `head` only in the form `owner:branch`
// (a bare branch is ignored and every PR comes back); pulls.create takes `head` as a branch of this repository
// and `base` as an existing branch; a second create for the same head/base answers 422 "A pull request already
// exists for owner:branch." A PR body holds at most 65,536 characters. Comments go through the issues API.

import type { Octokit } from "@octokit/rest";
import type { Logger } from "../../../log/logger.js";
import { retryPolicy, type RetryPolicy } from "../../retry.js";
import {
  checkLimit,
  errorKind,
  ForgeError,
  type ForgeLimits,
  type ChangeRequest,
  type ChangeRequestInput,
  type Platform,
} from "../platform.js";
import { createOctokit, GitHubRequestFailed } from "./client.js";
import { errorMessage } from "../../../util/errors.js";

/** GitHub's limit for a PR body and a comment, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;

/** The git username GitHub wants with a token over https. */
export const GITHUB_GIT_USERNAME = "x-access-token";

const LIMITS: ForgeLimits = { body: { chars: GITHUB_BODY_LIMIT }, comment: { chars: GITHUB_BODY_LIMIT }, title: 256 };

export interface GitHubOptions {
  token: string;
  /** "owner/name". */
  repository: string;
  /** Default https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3. */
  apiUrl?: string;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

interface PullLike {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  title: string;
  head: { ref: string };
  base: { ref: string };
}

export class GitHubPlatform implements Platform {
  readonly name = "github" as const;
  readonly limits = LIMITS;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  constructor(private readonly opts: GitHubOptions) {
    const [owner, repo, ...rest] = opts.repository.split("/");
    if (!owner || !repo || rest.length > 0)
      throw new Error(`GitHub repository must be "owner/name", got "${opts.repository}"`);
    this.owner = owner;
    this.repo = repo;
    this.octokit = createOctokit({
      token: opts.token,
      baseUrl: opts.apiUrl ?? "https://api.github.com",
      policy: retryPolicy(opts.retry),
      logger: opts.logger,
    });
  }

  async findOpen(sourceBranch: string, targetBranch: string): Promise<ChangeRequest | undefined> {
    const pulls = await this.call("pulls.list", "GET", "/pulls", () =>
      this.octokit.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
        state: "open",
        head: `${this.owner}:${sourceBranch}`,
        per_page: 100,
      }),
    );
    // No `base` filter: the branch is the key, so a PR opened against another base still counts as ours.
    const ours = (pulls as PullLike[]).filter((p) => p.head.ref === sourceBranch && p.state === "open");
    const pick = ours.find((p) => p.base.ref === targetBranch) ?? ours[0];
    return pick && toChangeRequest(pick);
  }

  async create(input: ChangeRequestInput): Promise<ChangeRequest> {
    checkLimit("github", "pulls.create", "body", input.body, LIMITS.body);
    try {
      const pull = await this.call("pulls.create", "POST", "/pulls", () =>
        this.octokit.rest.pulls.create({
          owner: this.owner,
          repo: this.repo,
          title: input.title,
          head: input.sourceBranch,
          base: input.targetBranch,
          body: input.body,
        }),
      );
      return toChangeRequest(pull as PullLike);
    } catch (err) {
      // Someone (or an earlier, interrupted run) opened it between our lookup and now: update that one.
      if (!(err instanceof ForgeError && err.status === 422 && /pull request already exists/i.test(err.detail)))
        throw err;
      const existing = await this.findOpen(input.sourceBranch, input.targetBranch);
      if (!existing) throw err;
      return this.update(existing.id, input);
    }
  }

  async update(id: number, input: Pick<ChangeRequestInput, "title" | "body">): Promise<ChangeRequest> {
    checkLimit("github", "pulls.update", "body", input.body, LIMITS.body);
    const pull = await this.call("pulls.update", "PATCH", `/pulls/${id}`, () =>
      this.octokit.rest.pulls.update({
        owner: this.owner,
        repo: this.repo,
        pull_number: id,
        title: input.title,
        body: input.body,
      }),
    );
    return toChangeRequest(pull as PullLike);
  }

  async comment(id: number, body: string): Promise<void> {
    checkLimit("github", "issues.createComment", "comment", body, LIMITS.comment);
    await this.call("issues.createComment", "POST", `/issues/${id}/comments`, () =>
      this.octokit.rest.issues.createComment({
        owner: this.owner,
        repo: this.repo,
        issue_number: id,
        body,
      }),
    );
  }

  async close(id: number): Promise<void> {
    await this.call("pulls.update", "PATCH", `/pulls/${id}`, () =>
      this.octokit.rest.pulls.update({ owner: this.owner, repo: this.repo, pull_number: id, state: "closed" }),
    );
  }

  private async call<T>(name: string, method: string, path: string, fn: () => Promise<{ data: T }>): Promise<T> {
    const call = `${name} ${method} /repos/${this.owner}/${this.repo}${path}`;
    try {
      return (await fn()).data;
    } catch (err) {
      if (err instanceof GitHubRequestFailed) {
        const f = err.failure;
        const detail = [f.message, ...f.errors.map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(" "))]
          .filter(Boolean)
          .join(": ");
        throw new ForgeError(
          "github",
          call,
          errorKind(f.status, f.timedOut),
          f.status,
          redact(detail, this.opts.token),
        );
      }
      throw new ForgeError("github", call, "network", undefined, redact(errorMessage(err), this.opts.token));
    }
  }
}

function toChangeRequest(p: PullLike): ChangeRequest {
  return {
    id: p.number,
    url: p.html_url,
    state: p.merged_at ? "merged" : p.state === "open" ? "open" : "closed",
    sourceBranch: p.head.ref,
    title: p.title,
  };
}

function redact(text: string, token: string): string {
  return token ? text.split(token).join("[REDACTED]") : text;
}
