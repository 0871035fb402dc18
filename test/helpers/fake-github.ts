// A stand-in for the GitHub REST API (pulls + issue comments) on 127.0.0.1, for one repository.
// Every request is checked against GitHub's OpenAPI description (github-openapi.ts); the behaviour follows the docs:
// - docs.github.com/rest/pulls/pulls#list-pull-requests: `head` filters only as `user:ref-name` / `organization:ref-name`
//   (a bare branch name is not a filter: GitHub ignores it and lists every PR, which we record as a violation).
// - #create-a-pull-request: `head` is a branch of this repository (or `owner:branch`), `base` an existing branch;
//   a second PR for the same head and base is refused with 422 Validation Failed, errors[0].message
//   "A pull request already exists for owner:branch.".
// - #update-a-pull-request: `state` "closed" closes it. Issue comments (docs.github.com/rest/issues/comments) are
//   how a PR is commented on; a PR number is an issue number.
// - Bodies longer than 65,536 characters are refused with 422 ("body is too long (maximum is 65536 characters)").
// - Bad or missing credentials: 401 {"message":"Bad credentials"}; a repository the token cannot see: 404 Not Found.
// Enterprise Server is served under /api/v3 when `prefix` is given (docs.github.com/enterprise-server/rest).

import { FakeHttpServer, FakeService, type RecordedRequest, type Reply } from "./fake-http.js";
import { checkGitHubRequest } from "./github-openapi.js";

export const GITHUB_BODY_MAX = 65_536;

export interface FakePull {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  title: string;
  body: string;
  head: string;
  base: string;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  token?: string;
  /** "/api/v3" to stand in for GitHub Enterprise Server. */
  prefix?: string;
  /** Branches that exist; "any" when the test pushes branches elsewhere (e.g. a local git remote). Default ["main"]. */
  branches?: string[] | "any";
}

export class FakeGitHub extends FakeService {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly prefix: string;
  readonly branches: Set<string>;
  private readonly anyBranch: boolean;
  readonly pulls: FakePull[] = [];
  readonly comments: FakeComment[] = [];
  protected readonly http: FakeHttpServer;
  private nextNumber = 1;
  private nextCommentId = 1000;
  private readonly matched = new WeakMap<RecordedRequest, ReturnType<typeof checkGitHubRequest>>();

  constructor(opts: FakeGitHubOptions = {}) {
    super();
    this.owner = opts.owner ?? "acme";
    this.repo = opts.repo ?? "policies";
    this.token = opts.token ?? "ghp_fake_token_0123456789";
    this.prefix = opts.prefix ?? "";
    this.anyBranch = opts.branches === "any";
    this.branches = new Set(opts.branches === "any" ? [] : (opts.branches ?? ["main"]));
    this.http = new FakeHttpServer(
      (req) => this.handle(req),
      (req) => this.check(req),
    );
  }

  static async start(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub(opts);
    await fake.http.start();
    return fake;
  }

  /** What to pass as the API base URL (Octokit's baseUrl). */
  get apiUrl(): string {
    return this.http.url + this.prefix;
  }
  get url(): string {
    return this.http.url;
  }

  /** A PR that already exists before the code under test runs. */
  seedPull(p: Partial<FakePull> & { head: string }): FakePull {
    this.branches.add(p.head);
    const pull: FakePull = {
      number: this.nextNumber++,
      state: "open",
      merged: false,
      title: "seeded",
      body: "",
      base: "main",
      ...p,
    };
    this.pulls.push(pull);
    return pull;
  }

  openPulls(head?: string): FakePull[] {
    return this.pulls.filter((p) => p.state === "open" && (head === undefined || p.head === head));
  }

  private hasBranch(name: string): boolean {
    return this.anyBranch || this.branches.has(name);
  }

  private check(req: RecordedRequest): void {
    if (this.prefix && !req.path.startsWith(`${this.prefix}/`)) {
      this.http.violation(`${req.method} ${req.path}: not under the Enterprise API prefix ${this.prefix}`);
      return;
    }
    const path = req.path.slice(this.prefix.length);
    this.matched.set(req, checkGitHubRequest({ ...req, path }, this.http.violations));
    const auth = String(req.headers.authorization ?? "");
    if (auth && !/^(token|bearer) /i.test(auth))
      this.http.violation(`${req.method} ${req.path}: Authorization scheme "${auth.split(" ")[0]}"`);
  }

  private handle(req: RecordedRequest): Reply {
    const auth = String(req.headers.authorization ?? "").replace(/^(token|bearer) /i, "");
    if (auth !== this.token)
      return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
    const op = this.matched.get(req);
    if (!op) return { status: 404, body: { message: "Not Found" } };
    if (op.params.owner !== this.owner || op.params.repo !== this.repo)
      return { status: 404, body: { message: "Not Found" } };
    const body = (req.body ?? {}) as Record<string, unknown>;
    switch (op.operationId) {
      case "pulls/list":
        return this.list(req);
      case "pulls/create":
        return this.create(body);
      case "pulls/get":
        return this.withPull(op.params.pull_number, (p) => ({ status: 200, body: this.json(p) }));
      case "pulls/update":
        return this.withPull(op.params.pull_number, (p) => this.update(p, body));
      case "issues/create-comment":
        return this.withPull(op.params.issue_number, (p) => this.comment(p, body));
      default:
        this.http.violation(`${req.method} ${req.path}: ${op.operationId} is not a call netpol-drift should make`);
        return { status: 501, body: { message: `fake does not implement ${op.operationId}` } };
    }
  }

  private list(req: RecordedRequest): Reply {
    const state = req.query.get("state") ?? "open";
    let pulls = this.pulls.filter((p) => state === "all" || p.state === state);
    const head = req.query.get("head");
    if (head !== null) {
      const m = /^([^:]+):(.+)$/.exec(head);
      if (!m) this.http.violation(`pulls.list head="${head}": GitHub ignores a head filter without "owner:"`);
      else pulls = m[1] === this.owner ? pulls.filter((p) => p.head === m[2]) : [];
    }
    const base = req.query.get("base");
    if (base !== null) pulls = pulls.filter((p) => p.base === base);
    const perPage = Math.min(Number(req.query.get("per_page") ?? 30), 100);
    const page = Number(req.query.get("page") ?? 1);
    return { status: 200, body: pulls.slice((page - 1) * perPage, page * perPage).map((p) => this.json(p)) };
  }

  private create(body: Record<string, unknown>): Reply {
    if (typeof body.title !== "string" && body.issue === undefined)
      this.http.violation("pulls.create: title is required unless issue is given");
    const headArg = String(body.head ?? "");
    const m = /^(?:([^:]+):)?(.+)$/.exec(headArg);
    const headOwner = m?.[1] ?? this.owner;
    const head = m?.[2] ?? "";
    const base = String(body.base ?? "");
    if (headOwner !== this.owner || !this.hasBranch(head)) return invalid("head", "invalid");
    if (!this.hasBranch(base)) return invalid("base", "invalid");
    const tooLong = this.bodyTooLong(body.body);
    if (tooLong) return tooLong;
    if (this.pulls.some((p) => p.state === "open" && p.head === head && p.base === base)) {
      return {
        status: 422,
        body: {
          message: "Validation Failed",
          errors: [
            {
              resource: "PullRequest",
              code: "custom",
              message: `A pull request already exists for ${this.owner}:${head}.`,
            },
          ],
          documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        },
      };
    }
    const pull: FakePull = {
      number: this.nextNumber++,
      state: "open",
      merged: false,
      title: String(body.title ?? ""),
      body: String(body.body ?? ""),
      head,
      base,
    };
    this.pulls.push(pull);
    return { status: 201, body: this.json(pull) };
  }

  private update(p: FakePull, body: Record<string, unknown>): Reply {
    const tooLong = this.bodyTooLong(body.body);
    if (tooLong) return tooLong;
    if (typeof body.base === "string" && !this.hasBranch(body.base)) return invalid("base", "invalid");
    if (typeof body.title === "string") p.title = body.title;
    if (typeof body.body === "string") p.body = body.body;
    if (typeof body.base === "string") p.base = body.base;
    if (body.state === "closed" || body.state === "open") p.state = body.state;
    return { status: 200, body: this.json(p) };
  }

  private comment(p: FakePull, body: Record<string, unknown>): Reply {
    const tooLong = this.bodyTooLong(body.body);
    if (tooLong) return tooLong;
    const c: FakeComment = { id: this.nextCommentId++, issueNumber: p.number, body: String(body.body ?? "") };
    this.comments.push(c);
    const html = `https://github.example/${this.owner}/${this.repo}/pull/${p.number}#issuecomment-${c.id}`;
    return { status: 201, body: { id: c.id, body: c.body, html_url: html, user: { login: "netpol-drift" } } };
  }

  private withPull(numberText: string | undefined, fn: (p: FakePull) => Reply): Reply {
    const p = this.pulls.find((x) => String(x.number) === numberText);
    return p ? fn(p) : { status: 404, body: { message: "Not Found" } };
  }

  private bodyTooLong(body: unknown): Reply | undefined {
    if (typeof body !== "string" || body.length <= GITHUB_BODY_MAX) return undefined;
    this.http.violation(`body of ${body.length} characters exceeds ${GITHUB_BODY_MAX}`);
    return {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [
          {
            resource: "Issue",
            code: "custom",
            field: "body",
            message: `body is too long (maximum is ${GITHUB_BODY_MAX} characters)`,
          },
        ],
      },
    };
  }

  private json(p: FakePull) {
    const html = `https://github.example/${this.owner}/${this.repo}/pull/${p.number}`;
    return {
      id: 100_000 + p.number,
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      html_url: html,
      url: `${this.apiUrl}/repos/${this.owner}/${this.repo}/pulls/${p.number}`,
      merged_at: p.merged ? "2024-01-01T00:00:00Z" : null,
      draft: false,
      user: { login: "netpol-drift" },
      head: {
        ref: p.head,
        label: `${this.owner}:${p.head}`,
        sha: "0".repeat(40),
        repo: { full_name: `${this.owner}/${this.repo}` },
      },
      base: {
        ref: p.base,
        label: `${this.owner}:${p.base}`,
        sha: "1".repeat(40),
        repo: { full_name: `${this.owner}/${this.repo}` },
      },
    };
  }
}

function invalid(field: string, code: string): Reply {
  return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "PullRequest", field, code }] } };
}
