// GitLab (gitlab.com or self-managed) behind Platform, through @gitbeaker/rest.
// Contract (docs.gitlab.com/api/merge_requests, /api/notes): GET /projects/:id/merge_requests?source_branch=&state=opened;
// POST /projects/:id/merge_requests needs source_branch, target_branch, title (a second open MR for the same source
// branch answers 409 "Another open merge request already exists for this source branch"); PUT
// /projects/:id/merge_requests/:iid with state_event=close closes; POST …/:iid/notes needs body. `:id` is the
// numeric id or the URL-encoded path ("group%2Fproject"). A description holds at most 1,048,576 (1 MiB; we count
// UTF-8 bytes, the stricter reading), a note body 1,000,000 characters, a title 255 characters.

import { MergeRequestNotes, MergeRequests } from "@gitbeaker/rest";
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
import { createRequester, GitLabRequestFailed } from "./requester.js";
import { errorMessage } from "../../../util/errors.js";

export const GITLAB_DESCRIPTION_LIMIT = 1_048_576;
export const GITLAB_NOTE_LIMIT = 1_000_000;
export const GITLAB_TITLE_LIMIT = 255;

/** The git username GitLab wants with a token over https. */
export const GITLAB_GIT_USERNAME = "oauth2";

const LIMITS: ForgeLimits = {
  body: { chars: GITLAB_DESCRIPTION_LIMIT, bytes: GITLAB_DESCRIPTION_LIMIT },
  comment: { chars: GITLAB_NOTE_LIMIT, bytes: GITLAB_NOTE_LIMIT },
  title: GITLAB_TITLE_LIMIT,
};

export interface GitLabOptions {
  token: string;
  /** Numeric project id, or its full path "group/sub/project". */
  project: string | number;
  /** Default https://gitlab.com; a self-managed instance's root URL (the client adds /api/v4). */
  host?: string;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

interface MrLike {
  iid: number;
  web_url: string;
  state: string;
  source_branch: string;
  target_branch: string;
  title: string;
}

export class GitLabPlatform implements Platform {
  readonly name = "gitlab" as const;
  readonly limits = LIMITS;
  private readonly mrs: InstanceType<typeof MergeRequests<false>>;
  private readonly notes: InstanceType<typeof MergeRequestNotes<false>>;
  private readonly project: string | number;

  constructor(private readonly opts: GitLabOptions) {
    this.project = opts.project;
    const common = {
      host: (opts.host ?? "https://gitlab.com").replace(/\/+$/, ""),
      token: opts.token,
      requesterFn: createRequester(retryPolicy(opts.retry), opts.logger),
      // Our requester bounds each attempt; gitbeaker's own timeout would span retries and waits alike.
      queryTimeout: null,
    };
    this.mrs = new MergeRequests(common);
    this.notes = new MergeRequestNotes(common);
  }

  async findOpen(sourceBranch: string, targetBranch: string): Promise<ChangeRequest | undefined> {
    const list = await this.call("MergeRequests.all", "GET", "/merge_requests", () =>
      this.mrs.all({ projectId: this.project, sourceBranch, state: "opened", perPage: 100, maxPages: 1 }),
    );
    // Target branch not filtered: the source branch is the key, whatever it was opened against.
    const ours = (list as unknown as MrLike[]).filter((m) => m.source_branch === sourceBranch && m.state === "opened");
    const pick = ours.find((m) => m.target_branch === targetBranch) ?? ours[0];
    return pick && toChangeRequest(pick);
  }

  async create(input: ChangeRequestInput): Promise<ChangeRequest> {
    checkText("MergeRequests.create", input);
    try {
      const mr = await this.call("MergeRequests.create", "POST", "/merge_requests", () =>
        this.mrs.create(this.project, input.sourceBranch, input.targetBranch, input.title, {
          description: input.body,
        }),
      );
      return toChangeRequest(mr as unknown as MrLike);
    } catch (err) {
      // Opened meanwhile (an interrupted earlier run): update that one instead of failing the run.
      if (!(err instanceof ForgeError && err.status === 409)) throw err;
      const existing = await this.findOpen(input.sourceBranch, input.targetBranch);
      if (!existing) throw err;
      return this.update(existing.id, input);
    }
  }

  async update(id: number, input: Pick<ChangeRequestInput, "title" | "body">): Promise<ChangeRequest> {
    checkText("MergeRequests.edit", input);
    const mr = await this.call("MergeRequests.edit", "PUT", `/merge_requests/${id}`, () =>
      this.mrs.edit(this.project, id, { title: input.title, description: input.body }),
    );
    return toChangeRequest(mr as unknown as MrLike);
  }

  async comment(id: number, body: string): Promise<void> {
    checkLimit("gitlab", "MergeRequestNotes.create", "note", body, LIMITS.comment);
    await this.call("MergeRequestNotes.create", "POST", `/merge_requests/${id}/notes`, () =>
      this.notes.create(this.project, id, body),
    );
  }

  async close(id: number): Promise<void> {
    await this.call("MergeRequests.edit", "PUT", `/merge_requests/${id}`, () =>
      this.mrs.edit(this.project, id, { stateEvent: "close" }),
    );
  }

  private async call<T>(name: string, method: string, path: string, fn: () => Promise<T>): Promise<T> {
    const call = `${name} ${method} /projects/${encodeURIComponent(String(this.project))}${path}`;
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GitLabRequestFailed) {
        throw new ForgeError(
          "gitlab",
          call,
          errorKind(err.status, err.timedOut),
          err.status,
          redact(err.message, this.opts.token),
        );
      }
      throw new ForgeError("gitlab", call, "network", undefined, redact(errorMessage(err), this.opts.token));
    }
  }
}

function checkText(call: string, input: Pick<ChangeRequestInput, "title" | "body">): void {
  checkLimit("gitlab", call, "title", input.title, { chars: GITLAB_TITLE_LIMIT });
  checkLimit("gitlab", call, "description", input.body, LIMITS.body);
}

function toChangeRequest(m: MrLike): ChangeRequest {
  return {
    id: m.iid,
    url: m.web_url,
    state: m.state === "opened" ? "open" : m.state === "merged" ? "merged" : "closed",
    sourceBranch: m.source_branch,
    title: m.title,
  };
}

function redact(text: string, token: string): string {
  return token ? text.split(token).join("[REDACTED]") : text;
}
