// Real git remotes for tests: bare repositories reached over file:// and over smart HTTP, the latter being
// `git http-backend` (the CGI git itself ships) behind a node http server on 127.0.0.1, with optional
// Basic auth so a test can prove the token is sent and never printed.

import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, mkdir, rm, writeFile, chmod } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const CLEAN_ENV = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
};

/** Run git synchronously in `cwd`; returns stdout. Throws with stderr on failure. */
export function git(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  return execFileSync("git", args, {
    cwd,
    env: { ...CLEAN_ENV(), ...extraEnv },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
}

export async function tempDir(prefix = "netpol-drift-test-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface BareRepo {
  /** Path of the bare repository. */
  dir: string;
  fileUrl: string;
  /** Contents of a file at a ref, or undefined when absent. */
  show(ref: string, file: string): string | undefined;
  /** File names under a folder at a ref. */
  ls(ref: string, folder: string): string[];
  /** Commit subjects+bodies on a ref, newest first. */
  log(ref: string): string[];
  branches(): string[];
  /** `git rev-parse <rev>`. */
  rev(rev: string): string;
  /** The note on `object` under the notes ref `ref`, or undefined. */
  note(ref: string, object: string): string | undefined;
  /** Add (or replace) a note from outside, as another writer would. */
  addNote(ref: string, object: string, text: string): void;
  /** Squash-merge `branch` into `into` from outside, as a reviewer's "squash and merge" would. */
  squashMerge(branch: string, into: string): void;
  /** Commit a file change to `branch` from outside (another person, another run). */
  commitFile(branch: string, file: string, text: string, message: string): void;
  /** Install a hook script (e.g. pre-receive) into the bare repo. */
  hook(name: string, script: string): Promise<void>;
}

/**
 * A bare repo whose `main` holds `files` (path → text) and, when given, the folder `seed` copied to
 * `seedAt`. Pushes over HTTP are allowed (http.receivepack).
 */
export async function createBareRepo(
  root: string,
  opts: { seed?: string; seedAt?: string; files?: Record<string, string> } = {},
): Promise<BareRepo> {
  const dir = path.join(root, "policies.git");
  const work = path.join(root, "seed-work");
  git(root, ["init", "--bare", "--initial-branch=main", dir]);
  git(dir, ["config", "http.receivepack", "true"]);
  git(root, ["init", "--initial-branch=main", work]);
  if (opts.seed) await cp(opts.seed, path.join(work, opts.seedAt ?? ""), { recursive: true });
  for (const [file, text] of Object.entries(opts.files ?? {})) {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), text);
  }
  git(work, ["add", "-A"]);
  git(work, ["-c", "user.name=Seed", "-c", "user.email=seed@example.test", "commit", "-q", "-m", "seed"]);
  git(work, ["push", "-q", dir, "main"]);
  await rm(work, { recursive: true, force: true });
  return bareRepo(dir, root);
}

function bareRepo(dir: string, root: string): BareRepo {
  const tryGit = (args: string[]): string | undefined => {
    try {
      return git(dir, args);
    } catch {
      return undefined;
    }
  };
  let n = 0;
  return {
    dir,
    fileUrl: pathToFileURL(dir).href,
    show: (ref, file) => tryGit(["show", `${ref}:${file}`]),
    ls: (ref, folder) => (tryGit(["ls-tree", "--name-only", `${ref}:${folder}`]) ?? "").split("\n").filter(Boolean),
    log: (ref) =>
      (tryGit(["log", "--format=%B%x00", ref]) ?? "")
        .split("\0")
        .map((s) => s.trim())
        .filter(Boolean),
    branches: () =>
      git(dir, ["for-each-ref", "--format=%(refname:short)", "refs/heads"]).split("\n").filter(Boolean).sort(),
    rev: (rev) => git(dir, ["rev-parse", rev]).trim(),
    note: (ref, object) => tryGit(["notes", "--ref", ref, "show", object]),
    addNote: (ref, object, text) => void git(dir, ["notes", "--ref", ref, "add", "--force", "-m", text, object]),
    squashMerge(branch, into) {
      const work = path.join(root, `outside-${++n}`);
      git(root, ["clone", "-q", "--branch", into, dir, work]);
      git(work, ["merge", "--squash", `origin/${branch}`]);
      git(work, [
        "-c",
        "user.name=Reviewer",
        "-c",
        "user.email=r@example.test",
        "commit",
        "-q",
        "-m",
        `squashed ${branch}`,
      ]);
      git(work, ["push", "-q", "origin", into]);
    },
    commitFile(branch, file, text, message) {
      const work = path.join(root, `outside-${++n}`);
      git(root, ["clone", "-q", "--branch", branch, dir, work]);
      execFileSync("mkdir", ["-p", path.dirname(path.join(work, file))]);
      execFileSync("sh", ["-c", 'cat > "$1"', "sh", path.join(work, file)], { input: text });
      git(work, ["add", "-A"]);
      git(work, ["-c", "user.name=Someone", "-c", "user.email=someone@example.test", "commit", "-q", "-m", message]);
      git(work, ["push", "-q", "origin", branch]);
    },
    async hook(name, script) {
      const file = path.join(dir, "hooks", name);
      await writeFile(file, script);
      await chmod(file, 0o755);
    },
  };
}

export interface HttpGitServer {
  /** http://127.0.0.1:PORT/<name>.git for a bare repo directly under `root`. */
  url(repoDir: string): string;
  /** Every request's method, path and Authorization header. */
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

export function httpBackendPath(): string {
  const exec = git(process.cwd(), ["--exec-path"]).trim();
  const backend = path.join(exec, "git-http-backend");
  if (!existsSync(backend)) throw new Error(`git-http-backend not found at ${backend}: the HTTP git tests need it`);
  return backend;
}

/** Smart HTTP over `git http-backend` for every bare repo under `root`. With `auth`, Basic auth is required. */
export async function startHttpGitServer(
  root: string,
  auth?: { username: string; token: string },
  /** Runs before a request is served: e.g. land a commit just before a push reads the refs (a push race). */
  onRequest?: (req: { method: string; path: string; query: string }) => void,
): Promise<HttpGitServer> {
  const backend = httpBackendPath();
  const requests: HttpGitServer["requests"] = [];
  const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.token}`).toString("base64")}` : undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ method: req.method ?? "", path: url.pathname, authorization: req.headers.authorization });
    onRequest?.({ method: req.method ?? "", path: url.pathname, query: url.search.slice(1) });
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    const cgi = spawn(backend, [], {
      env: {
        ...CLEAN_ENV(),
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_USER: auth?.username ?? "",
        REMOTE_ADDR: "127.0.0.1",
        HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
        HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const i = line.indexOf(":");
        const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
        if (k.toLowerCase() === "status") status = Number(v.split(" ")[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.stdout.on("end", () => res.end());
    cgi.on("error", (err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (repoDir) => `http://127.0.0.1:${port}/${path.relative(root, repoDir)}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A commit on top of `branch` that is in the bare repo but on no branch (it sits under refs/staged/): what a
 * concurrent push is about to land. Returns its sha.
 */
export function stageCommit(
  bare: BareRepo,
  root: string,
  branch: string,
  file: string,
  text: string,
  message: string,
): string {
  const work = path.join(root, `staged-${Math.random().toString(36).slice(2)}`);
  git(root, ["clone", "-q", "--branch", branch, bare.dir, work]);
  execFileSync("mkdir", ["-p", path.dirname(path.join(work, file))]);
  execFileSync("sh", ["-c", 'cat > "$1"', "sh", path.join(work, file)], { input: text });
  git(work, ["add", "-A"]);
  git(work, ["-c", "user.name=Someone", "-c", "user.email=someone@example.test", "commit", "-q", "-m", message]);
  const sha = git(work, ["rev-parse", "HEAD"]).trim();
  git(work, ["push", "-q", "origin", `HEAD:refs/staged/${sha}`]);
  return sha;
}

/**
 * A `pre-receive` hook that makes the first push to `ref` lose the race inside the server, deterministically:
 * just before receive-pack updates the ref, the hook moves it to `sha` (a staged commit), as if another push
 * had landed that instant. git then refuses our ref update ("cannot lock ref …: is at X but expected Y",
 * reported as "[remote rejected] … (failed to update ref)"). Later pushes pass. `marker` records that it fired.
 */
export async function loseRefRaceOnce(bare: BareRepo, ref: string, sha: string, marker: string): Promise<void> {
  await bare.hook(
    "pre-receive",
    `#!/bin/sh
while read old new name; do
  if [ "$name" = "${ref}" ] && [ ! -f "${marker}" ]; then
    touch "${marker}"
    # Outside the quarantine, as another receive-pack would do it.
    env -u GIT_QUARANTINE_PATH git update-ref "$name" "${sha}" || exit 1
  fi
done
exit 0
`,
  );
}

/**
 * A `pre-receive` hook that holds the first push (any ref) after its pack arrived and before the ref update,
 * until the file `release` exists: another push can land meanwhile, and the held one then loses the race
 * inside the server. `held` is created when the push is being held. Gives up holding after 120 s.
 */
export async function holdFirstPush(bare: BareRepo, held: string, release: string): Promise<void> {
  await bare.hook(
    "pre-receive",
    `#!/bin/sh
if [ ! -f "${held}" ]; then
  touch "${held}"
  i=0
  while [ ! -f "${release}" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
fi
exit 0
`,
  );
}

/** Wait until `file` exists (a hook's signal), polling. */
export async function waitForFile(file: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
