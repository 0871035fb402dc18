// A folder of a commit, without touching the repository's working tree or index: `git archive` of the
// commit's tree into a scratch folder, so the desired loader (which walks a real folder and names files and
// lines) reads it as it reads any folder. Used by `netpol-drift diff` for `--base REF` / `--head REF`.
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../../model/errors.js";

export interface TreeExport {
  /** The scratch folder the commit's tree was written to; `dir` below it is the requested path. */
  root: string;
  dir: string;
  /** The full commit id the ref named, so the output says exactly what was compared. */
  commit: string;
  /** False when the path does not exist in that commit (e.g. the PR adds the policy folder). */
  exists: boolean;
  cleanup: () => Promise<void>;
}

/** True when `ref` names a commit in the repository at `repo`. */
export async function isCommit(repo: string, ref: string): Promise<boolean> {
  const r = await git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  return r.code === 0;
}

export async function exportTree(repo: string, ref: string, subPath: string): Promise<TreeExport> {
  const call = `git archive ${ref}`;
  const rev = await git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (rev.code !== 0) throw new UsageError(`"${ref}" is neither a folder nor a commit in the git repository ${repo}`);
  const commit = rev.stdout.trim();
  const rel = normaliseSubPath(subPath);
  const root = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-tree-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const listed = await git(repo, ["ls-tree", "-d", "--name-only", commit, "--", rel === "." ? "." : rel]);
    const exists = rel === "." || listed.stdout.trim() === rel;
    if (exists) await archiveInto(repo, commit, rel, root, call);
    const dir = path.join(root, rel);
    if (exists && !(await stat(dir)).isDirectory()) throw new UsageError(`${rel} is not a folder in ${ref}`);
    return { root, dir, commit, exists, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function normaliseSubPath(p: string): string {
  const rel = path.posix.normalize(p.replace(/\\/g, "/")).replace(/\/+$/, "");
  if (rel.startsWith("../") || rel === ".." || path.posix.isAbsolute(rel)) {
    throw new UsageError(`--desired must be a path inside the repository, got "${p}"`);
  }
  return rel === "" ? "." : rel;
}

/** `git archive <commit> -- <path> | tar -x -C <root>`, both exit codes checked. */
async function archiveInto(repo: string, commit: string, rel: string, root: string, call: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const archive = spawn("git", ["-C", repo, "archive", "--format=tar", commit, "--", rel], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tar = spawn("tar", ["-x", "-C", root], { stdio: ["pipe", "ignore", "pipe"] });
    let errText = "";
    archive.stderr.on("data", (b: Buffer) => (errText += b.toString()));
    tar.stderr.on("data", (b: Buffer) => (errText += b.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new Error(`${call}: ${what} exited ${code}: ${errText.trim().slice(0, 500)}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    archive.on("error", (e) => reject(new Error(`${call}: ${e.message}`)));
    tar.on("error", (e) => reject(new Error(`${call}: tar: ${e.message}`)));
    archive.on("close", done("git archive"));
    tar.on("close", done("tar"));
  });
}

function git(repo: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn("git", ["-C", repo, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    p.on("error", (e) => reject(new Error(`git ${args[0]}: ${e.message}`)));
    p.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
