// A stand-in for the GitLab REST API v4 (merge requests + MR notes) on 127.0.0.1, for one project.
// Contract, from docs.gitlab.com/api/merge_requests and docs.gitlab.com/api/notes:
// - `:id` in /projects/:id is the numeric id or the URL-encoded full path ("group%2Fsub%2Fapp"); an unencoded
//   path does not route (404), recorded here as a violation.
// - GET /projects/:id/merge_requests filters with source_branch, target_branch and state (opened, closed, locked,
//   merged, all); GitLab ignores unknown parameters, so a misspelt filter silently lists everything — recorded.
// - POST /projects/:id/merge_requests requires source_branch, target_branch, title; a second open MR from the same
//   source branch is refused with 409 {"message":["Another open merge request already exists for this source branch: !N"]}.
// - PUT /projects/:id/merge_requests/:merge_request_iid takes at least one attribute; state_event "close"|"reopen".
// - POST /projects/:id/merge_requests/:merge_request_iid/notes requires body (at most 1,000,000 characters).
// - description at most 1,048,576 characters (docs: "Limited to 1,048,576 characters"), title at most 255.
// - Authentication: PRIVATE-TOKEN header (or Authorization: Bearer); otherwise 401 {"message":"401 Unauthorized"}.

import { FakeHttpServer, FakeService, type RecordedRequest, type Reply } from "./fake-http.js";

const DESCRIPTION_MAX = 1_048_576;
const NOTE_MAX = 1_000_000;
const TITLE_MAX = 255;
const MR_STATES = ["opened", "closed", "locked", "merged", "all"];
const LIST_PARAMS = new Set([
  "state",
  "order_by",
  "sort",
  "milestone",
  "view",
  "labels",
  "with_labels_details",
  "with_merge_status_recheck",
  "created_after",
  "created_before",
  "updated_after",
  "updated_before",
  "scope",
  "author_id",
  "author_username",
  "assignee_id",
  "reviewer_id",
  "reviewer_username",
  "my_reaction_emoji",
  "source_branch",
  "target_branch",
  "search",
  "in",
  "wip",
  "draft",
  "not",
  "environment",
  "deployed_before",
  "deployed_after",
  "iids[]",
  "page",
  "per_page",
  "pagination",
  "non_archived",
]);
const CREATE_FIELDS = new Set([
  "source_branch",
  "target_branch",
  "title",
  "description",
  "assignee_id",
  "assignee_ids",
  "reviewer_ids",
  "labels",
  "milestone_id",
  "remove_source_branch",
  "allow_collaboration",
  "allow_maintainer_to_push",
  "squash",
  "target_project_id",
  "approvals_before_merge",
  "merge_after",
]);
const EDIT_FIELDS = new Set([
  "title",
  "description",
  "state_event",
  "target_branch",
  "assignee_id",
  "assignee_ids",
  "reviewer_ids",
  "labels",
  "add_labels",
  "remove_labels",
  "milestone_id",
  "remove_source_branch",
  "squash",
  "discussion_locked",
  "allow_collaboration",
  "allow_maintainer_to_push",
  "merge_after",
]);

export interface FakeMr {
  iid: number;
  state: "opened" | "closed" | "merged";
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
}

export interface FakeNote {
  id: number;
  mrIid: number;
  body: string;
}

export interface FakeGitLabOptions {
  projectPath?: string;
  projectId?: number;
  token?: string;
  /** Branches that exist; "any" when the test pushes branches elsewhere (e.g. a local git remote). Default ["main"]. */
  branches?: string[] | "any";
}

export class FakeGitLab extends FakeService {
  readonly projectPath: string;
  readonly projectId: number;
  readonly token: string;
  readonly branches: Set<string>;
  private readonly anyBranch: boolean;
  readonly mrs: FakeMr[] = [];
  readonly notes: FakeNote[] = [];
  protected readonly http: FakeHttpServer;
  private nextIid = 1;
  private nextNoteId = 500;

  constructor(opts: FakeGitLabOptions = {}) {
    super();
    this.projectPath = opts.projectPath ?? "platform/security/policies";
    this.projectId = opts.projectId ?? 42;
    this.token = opts.token ?? "glpat-fake-token-0123456789";
    this.anyBranch = opts.branches === "any";
    this.branches = new Set(opts.branches === "any" ? [] : (opts.branches ?? ["main"]));
    this.http = new FakeHttpServer(
      (req) => this.handle(req),
      (req) => this.check(req),
    );
  }

  static async start(opts: FakeGitLabOptions = {}): Promise<FakeGitLab> {
    const fake = new FakeGitLab(opts);
    await fake.http.start();
    return fake;
  }

  /** The instance root (what a self-managed `host` is); the API lives under /api/v4. */
  get url(): string {
    return this.http.url;
  }

  seedMr(m: Partial<FakeMr> & { sourceBranch: string }): FakeMr {
    this.branches.add(m.sourceBranch);
    const mr: FakeMr = {
      iid: this.nextIid++,
      state: "opened",
      title: "seeded",
      description: "",
      targetBranch: "main",
      ...m,
    };
    this.mrs.push(mr);
    return mr;
  }

  openMrs(sourceBranch?: string): FakeMr[] {
    return this.mrs.filter(
      (m) => m.state === "opened" && (sourceBranch === undefined || m.sourceBranch === sourceBranch),
    );
  }

  private route(req: RecordedRequest): { project: string; rest: string } | undefined {
    const m = /^\/api\/v4\/projects\/([^/]+)(\/.*)?$/.exec(req.rawPath.split("?")[0]!);
    return m ? { project: decodeURIComponent(m[1]!), rest: m[2] ?? "" } : undefined;
  }

  private hasBranch(name: string): boolean {
    return this.anyBranch || this.branches.has(name);
  }

  private check(req: RecordedRequest): void {
    const where = `${req.method} ${req.rawPath}`;
    if (!req.rawPath.startsWith("/api/v4/")) return this.http.violation(`${where}: not under /api/v4`);
    const route = this.route(req);
    if (!route || !/^\/merge_requests(?:\/\d+(?:\/notes)?)?$/.test(route.rest)) {
      return this.http.violation(`${where}: not a merge request endpoint (is the project path URL-encoded?)`);
    }
    if (req.method === "GET") {
      for (const key of req.query.keys())
        if (!LIST_PARAMS.has(key)) this.http.violation(`${where}: unknown query parameter "${key}"`);
      const state = req.query.get("state");
      if (state !== null && !MR_STATES.includes(state))
        this.http.violation(`${where}: state "${state}" not in ${MR_STATES.join("|")}`);
    }
    if ((req.method === "POST" || req.method === "PUT") && req.bodyText) {
      if (!/^application\/json/.test(String(req.headers["content-type"])))
        this.http.violation(`${where}: body is not application/json`);
      if (typeof req.body !== "object" || req.body === null) this.http.violation(`${where}: body is not a JSON object`);
    }
  }

  private handle(req: RecordedRequest): Reply {
    const token = req.headers["private-token"] ?? String(req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (token !== this.token) return { status: 401, body: { message: "401 Unauthorized" } };
    const route = this.route(req);
    if (!route) return notFound("404 Not Found");
    if (route.project !== this.projectPath && route.project !== String(this.projectId))
      return notFound("404 Project Not Found");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const mrPath = /^\/merge_requests\/(\d+)(\/notes)?$/.exec(route.rest);
    if (route.rest === "/merge_requests" && req.method === "GET") return this.list(req);
    if (route.rest === "/merge_requests" && req.method === "POST") return this.create(body);
    if (mrPath && !mrPath[2] && req.method === "PUT") return this.withMr(mrPath[1]!, (mr) => this.edit(mr, body));
    if (mrPath && !mrPath[2] && req.method === "GET")
      return this.withMr(mrPath[1]!, (mr) => ({ status: 200, body: this.json(mr) }));
    if (mrPath?.[2] && req.method === "POST") return this.withMr(mrPath[1]!, (mr) => this.note(mr, body));
    this.http.violation(`${req.method} ${req.rawPath}: not a call netpol-drift should make`);
    return notFound("404 Not Found");
  }

  private list(req: RecordedRequest): Reply {
    const state = req.query.get("state") ?? "all";
    let mrs = this.mrs.filter((m) => state === "all" || m.state === state);
    const source = req.query.get("source_branch");
    if (source !== null) mrs = mrs.filter((m) => m.sourceBranch === source);
    const target = req.query.get("target_branch");
    if (target !== null) mrs = mrs.filter((m) => m.targetBranch === target);
    const perPage = Math.min(Number(req.query.get("per_page") ?? 20), 100);
    const page = Number(req.query.get("page") ?? 1);
    return {
      status: 200,
      body: mrs.slice((page - 1) * perPage, page * perPage).map((m) => this.json(m)),
      headers: { "x-total": String(mrs.length), "x-page": String(page), "x-per-page": String(perPage) },
    };
  }

  private create(body: Record<string, unknown>): Reply {
    for (const k of Object.keys(body))
      if (!CREATE_FIELDS.has(k)) this.http.violation(`create MR: unknown field "${k}"`);
    const missing = ["source_branch", "target_branch", "title"].filter(
      (k) => typeof body[k] !== "string" || body[k] === "",
    );
    if (missing.length > 0) {
      this.http.violation(`create MR: missing ${missing.join(", ")}`);
      return { status: 400, body: { error: `${missing.join(", ")} is missing` } };
    }
    const invalid = this.validateText(body);
    if (invalid) return invalid;
    const source = body.source_branch as string;
    const target = body.target_branch as string;
    if (!this.hasBranch(source) || !this.hasBranch(target))
      return { status: 422, body: { message: [`Branch ${this.hasBranch(source) ? target : source} does not exist`] } };
    const open = this.mrs.find((m) => m.state === "opened" && m.sourceBranch === source);
    if (open)
      return {
        status: 409,
        body: { message: [`Another open merge request already exists for this source branch: !${open.iid}`] },
      };
    const mr: FakeMr = {
      iid: this.nextIid++,
      state: "opened",
      title: body.title as string,
      description: String(body.description ?? ""),
      sourceBranch: source,
      targetBranch: target,
    };
    this.mrs.push(mr);
    return { status: 201, body: this.json(mr) };
  }

  private edit(mr: FakeMr, body: Record<string, unknown>): Reply {
    const keys = Object.keys(body);
    for (const k of keys) if (!EDIT_FIELDS.has(k)) this.http.violation(`edit MR: unknown field "${k}"`);
    if (keys.length === 0) {
      this.http.violation("edit MR: no attribute given");
      return { status: 400, body: { error: "At least one of the parameters is required" } };
    }
    const invalid = this.validateText(body);
    if (invalid) return invalid;
    if (body.state_event !== undefined && body.state_event !== "close" && body.state_event !== "reopen") {
      this.http.violation(`edit MR: state_event "${String(body.state_event)}"`);
      return { status: 400, body: { error: "state_event does not have a valid value" } };
    }
    if (typeof body.title === "string") mr.title = body.title;
    if (typeof body.description === "string") mr.description = body.description;
    if (body.state_event === "close" && mr.state === "opened") mr.state = "closed";
    if (body.state_event === "reopen" && mr.state === "closed") mr.state = "opened";
    return { status: 200, body: this.json(mr) };
  }

  private note(mr: FakeMr, body: Record<string, unknown>): Reply {
    if (typeof body.body !== "string" || body.body === "") {
      this.http.violation("create note: body is required");
      return { status: 400, body: { error: "body is missing" } };
    }
    if (body.body.length > NOTE_MAX) {
      this.http.violation(`create note: body of ${body.body.length} characters exceeds ${NOTE_MAX}`);
      return { status: 400, body: { message: { note: ["is too long (maximum is 1000000 characters)"] } } };
    }
    const n: FakeNote = { id: this.nextNoteId++, mrIid: mr.iid, body: body.body };
    this.notes.push(n);
    return {
      status: 201,
      body: { id: n.id, body: n.body, noteable_iid: mr.iid, noteable_type: "MergeRequest", system: false },
    };
  }

  private validateText(body: Record<string, unknown>): Reply | undefined {
    if (typeof body.title === "string" && body.title.length > TITLE_MAX) {
      this.http.violation(`title of ${body.title.length} characters exceeds ${TITLE_MAX}`);
      return { status: 400, body: { message: { title: [`is too long (maximum is ${TITLE_MAX} characters)`] } } };
    }
    if (typeof body.description === "string" && body.description.length > DESCRIPTION_MAX) {
      this.http.violation(`description of ${body.description.length} characters exceeds ${DESCRIPTION_MAX}`);
      return {
        status: 400,
        body: { message: { description: [`is too long (maximum is ${DESCRIPTION_MAX} characters)`] } },
      };
    }
    return undefined;
  }

  private withMr(iidText: string, fn: (mr: FakeMr) => Reply): Reply {
    const mr = this.mrs.find((m) => String(m.iid) === iidText);
    return mr ? fn(mr) : notFound("404 Not found");
  }

  private json(m: FakeMr) {
    return {
      id: 9_000 + m.iid,
      iid: m.iid,
      project_id: this.projectId,
      title: m.title,
      description: m.description,
      state: m.state,
      source_branch: m.sourceBranch,
      target_branch: m.targetBranch,
      web_url: `https://gitlab.example/${this.projectPath}/-/merge_requests/${m.iid}`,
      draft: false,
    };
  }
}

function notFound(message: string): Reply {
  return { status: 404, body: { message } };
}
