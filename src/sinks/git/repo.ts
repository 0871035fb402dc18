import { mkdir, readdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { redact } from "../../util/redact.js";
import { errorMessage } from "../../util/errors.js";

// The policy repo, cloned shallowly into a scratch folder. Credentials never touch the command line or
// .git/config: an https token goes in as an Authorization header through GIT_CONFIG_* variables, which only
// this process's children see. Every error message is redacted before it leaves this file.

export interface GitAuth {
  username: string;
  token: string;
}

export interface RepoOptions {
  url: string;
  /** Scratch folder to clone into; must not exist or be empty. */
  dir: string;
  auth?: GitAuth;
  author: { name: string; email: string };
  /** Values masked in every error (tokens, the webhook, …). */
  secrets: readonly string[];
  /** Kill a git command that prints nothing for this long. */
  timeoutMs?: number;
}

export class GitSinkError extends Error {
  constructor(
    /** The git call, e.g. "git push origin HEAD:refs/heads/main". */
    readonly call: string,
    detail: string,
  ) {
    super(`${call}: ${detail}`);
    this.name = "GitSinkError";
  }
}

/** "pushed", or the rejection that says the remote moved under us (fetch, re-apply and push again). */
export type PushResult = { outcome: "pushed" } | { outcome: "remote-moved"; detail: string; lostRace: boolean };

const ENV_ALLOWED = [
  "GIT_TERMINAL_PROMPT",
  "GIT_CONFIG_NOSYSTEM",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_KEY_0",
  "GIT_CONFIG_VALUE_0",
];
// simple-git refuses guarded variables it did not expect; pass the ambient ones that git never needs.
const GUARDED = /^(git_|editor$|visual$|pager$|prefix$|ssh_askpass$)/i;
// A rejection because the remote has commits we lack: fetch and re-apply.
const REMOTE_MOVED = /\[rejected\][^\n]*\((fetch first|non-fast-forward|stale info)\)/;
// The same race lost inside the server: another push updated (or still holds the lock on) the ref between the
// advertisement and our update, so git refuses the ref transaction ("cannot lock ref …: is at X but expected
// Y", "reference already exists", "Unable to create ….lock"). A lasting one (a stale lock, a full disk on the
// server) ends after the bounded retries with the server's reason. Any other "[remote rejected]" — a hook, a
// protected branch, a permission — is a real error at once.
const LOST_RACE =
  /\[remote rejected\][^\n]*\((failed to update ref|failed to lock|cannot lock ref[^\n]*|incorrect old value provided|reference already exists)\)/;

export class PolicyRepo {
  private constructor(
    private readonly git: SimpleGit,
    readonly dir: string,
    private readonly secrets: readonly string[],
  ) {}

  /** `git clone --depth 1 --branch <branch>`, then the bot identity in the clone's own config. */
  static async clone(opts: RepoOptions, branch: string): Promise<PolicyRepo> {
    await mkdir(opts.dir, { recursive: true });
    const git = makeGit(opts.dir, opts);
    const repo = new PolicyRepo(git, opts.dir, opts.secrets);
    await repo.run(`git clone --depth 1 --branch ${branch} ${opts.url}`, () =>
      git.clone(opts.url, opts.dir, ["--depth", "1", "--branch", branch, "--single-branch", "--no-tags"]),
    );
    await repo.run("git config", async () => {
      await git.addConfig("user.name", opts.author.name);
      await git.addConfig("user.email", opts.author.email);
      await git.addConfig("commit.gpgsign", "false");
    });
    return repo;
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  /** The remote tip of a branch, or undefined when the branch does not exist there. */
  async remoteTip(branch: string): Promise<string | undefined> {
    const out = await this.run(`git ls-remote --heads origin ${branch}`, () =>
      this.git.raw(["ls-remote", "--heads", "origin", `refs/heads/${branch}`]),
    );
    return out.trim().split(/\s+/)[0] || undefined;
  }

  /**
   * Make the work tree the remote tip of `branch` (or of `base` when `branch` is not on the remote yet), on
   * a local branch named `branch`. Anything local that was not pushed is dropped: the caller re-applies it.
   */
  async syncTo(branch: string, base: string): Promise<{ tip: string; existed: boolean }> {
    const existed = (await this.remoteTip(branch)) !== undefined;
    const from = existed ? branch : base;
    await this.run(`git fetch --depth 1 origin ${from}`, () =>
      this.git.raw(["fetch", "--depth", "1", "--no-tags", "origin", `+refs/heads/${from}:refs/remotes/origin/${from}`]),
    );
    await this.run(`git checkout -B ${branch} origin/${from}`, async () => {
      await this.git.raw(["checkout", "--force", "-B", branch, `refs/remotes/origin/${from}`]);
      await this.git.raw(["clean", "-fdx"]);
    });
    const tip = (await this.run("git rev-parse HEAD", () => this.git.revparse(["HEAD"]))).trim();
    return { tip, existed };
  }

  async read(rel: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(rel), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async list(rel: string): Promise<string[]> {
    try {
      return await readdir(this.path(rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  }

  async write(rel: string, text: string): Promise<void> {
    await mkdir(path.dirname(this.path(rel)), { recursive: true });
    await writeFile(this.path(rel), text);
  }

  /** Delete a file of the working tree (staged by commit as a removal); false when there was none. */
  async remove(rel: string): Promise<boolean> {
    try {
      await unlink(this.path(rel));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw err;
    }
  }

  /** Stage `paths` and commit them; undefined when they hold no change. */
  async commit(message: string, paths: readonly string[]): Promise<string | undefined> {
    await this.run("git add", () => this.git.add(["--", ...paths]));
    const staged = await this.run("git diff --cached", () => this.git.raw(["diff", "--cached", "--name-only"]));
    if (staged.trim() === "") return undefined;
    await this.run("git commit", () => this.git.commit(message));
    return (await this.run("git rev-parse HEAD", () => this.git.revparse(["HEAD"]))).trim();
  }

  /** Push HEAD to `branch`, never with force. A rejection because the remote moved is a result, not an error. */
  async push(branch: string): Promise<PushResult> {
    return this.pushRef("HEAD", `refs/heads/${branch}`);
  }

  /** Push `local` (a ref or commit) to the remote ref `remote`, never with force; as push(). */
  async pushRef(local: string, remote: string): Promise<PushResult> {
    const call = `git push origin ${local}:${remote}`;
    try {
      await this.git.raw(["push", "--no-verify", "origin", `${local}:${remote}`]);
      return { outcome: "pushed" };
    } catch (err) {
      const message = errorMessage(err);
      const moved = REMOTE_MOVED.exec(message) ?? LOST_RACE.exec(message);
      if (moved) {
        // The server says why in a "remote: error:" line (which ref, where it is, what we expected).
        const why = /remote: error: (cannot lock ref[^\n]*)/.exec(message)?.[1]?.trim();
        return {
          outcome: "remote-moved",
          detail: this.clean(why ? `${moved[0]}: ${why}` : moved[0]),
          lostRace: !REMOTE_MOVED.test(message),
        };
      }
      throw new GitSinkError(call, this.clean(message));
    }
  }

  /** `git <args>` with the call named in any error. */
  async exec(args: string[]): Promise<string> {
    return this.run(`git ${args.slice(0, 2).join(" ")}`, () => this.git.raw(args));
  }

  /** `git <args>`, undefined instead of an error (a blob that is not in a stage, a merge that stopped). */
  async tryExec(args: string[]): Promise<string | undefined> {
    try {
      return await this.git.raw(args);
    } catch {
      return undefined;
    }
  }

  async head(): Promise<string> {
    return (await this.run("git rev-parse HEAD", () => this.git.revparse(["HEAD"]))).trim();
  }

  private async run<T>(call: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new GitSinkError(this.clean(call), this.clean(errorMessage(err)));
    }
  }

  private clean(text: string): string {
    return redact(text, this.secrets).trim();
  }
}

function makeGit(dir: string, opts: RepoOptions): SimpleGit {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !GUARDED.test(k)) env[k] = v;
  Object.assign(env, { GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", LC_ALL: "C", LANG: "C" });
  if (opts.auth && /^https?:\/\//i.test(opts.url)) {
    const basic = Buffer.from(`${opts.auth.username}:${opts.auth.token}`).toString("base64");
    Object.assign(env, {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
  }
  return simpleGit({
    baseDir: dir,
    timeout: { block: opts.timeoutMs ?? 120_000 },
    allowEnvironment: ENV_ALLOWED,
    unsafe: { allowUnsafeConfigEnvCount: true },
  }).env(env);
}
