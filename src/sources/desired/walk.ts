import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "../../model/types.js";
import { decodeUtf8 } from "../live/text-checks.js";
import { errorMessage } from "../../util/errors.js";

export interface ManifestFile {
  /** Path relative to the desired root, with `/` separators. */
  rel: string;
  text: string;
}

export interface WalkResult {
  files: ManifestFile[];
  problems: Problem[];
  /**
   * Folders never entered, as resolved paths (and their real paths): the change records are JSON/YAML that
   * are no manifests, and wherever the configuration puts them they are not policies.
   */
  skip?: Set<string>;
}

// A policy file is a few KiB; anything this large is a mistake (a dump, a binary) and is refused, not parsed.
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;

/** At most `n` file operations at once: a folder of 50,000 files must not run out of file descriptors. */
function limiter(n: number): <T>(op: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (op) => {
    if (active >= n)
      await new Promise<void>((resolve) => waiting.push(resolve)); // handed a slot on wake-up
    else active++;
    try {
      return await op();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
const io = limiter(64);

/**
 * Every `*.yaml`/`*.yml` below `root`, read as text. Hidden folders (.git) are not entered; symlinks are
 * followed once (a loop is a problem, not a hang); unreadable, binary or oversized files are problems.
 */
export async function walkDesired(root: string, skip: string[] = []): Promise<WalkResult> {
  const result: WalkResult = { files: [], problems: [], skip: new Set(skip.map((p) => path.resolve(p))) };
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    result.problems.push({
      file: root,
      message: "desired state directory does not exist or is not a directory",
      namespace: "*",
    });
    return result;
  }
  await walkDir(root, "", [await realpath(root)], result);
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}

/**
 * `ancestors`: real paths of the folders being read, outermost first. Only a folder that contains itself is
 * a loop; the same folder linked into two namespace folders (a shared default-deny) is read under each.
 */
async function walkDir(root: string, relDir: string, ancestors: string[], out: WalkResult): Promise<void> {
  const dir = path.join(root, relDir);
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    out.problems.push({
      file: relDir || ".",
      message: `cannot read directory: ${errorMessage(err)}`,
      namespace: nsOf(relDir),
    });
    return;
  }
  // Entries are read concurrently (a folder of 10,000 files waits on the disk, not the CPU) and merged in
  // name order, so the result does not depend on which read finished first.
  const parts = await Promise.all(
    names
      .filter((n) => !n.startsWith("."))
      .map(async (name) => {
        const part: WalkResult = { files: [], problems: [], skip: out.skip };
        await walkEntry(root, relDir, name, ancestors, part);
        return part;
      }),
  );
  for (const part of parts) {
    out.files.push(...part.files);
    out.problems.push(...part.problems);
  }
}

async function walkEntry(
  root: string,
  relDir: string,
  name: string,
  ancestors: string[],
  out: WalkResult,
): Promise<void> {
  const rel = relDir ? `${relDir}/${name}` : name;
  const full = path.join(root, rel);
  let entry: Awaited<ReturnType<typeof lstat>>;
  try {
    entry = await io(() => lstat(full));
  } catch (err) {
    // gone between readdir and lstat, or no permission on the folder's entries
    out.problems.push({ file: rel, message: `cannot read: ${errorMessage(err)}`, namespace: nsOf(rel) });
    return;
  }
  let target = entry;
  if (entry.isSymbolicLink()) {
    try {
      target = await io(() => stat(full));
    } catch (err) {
      // A dangling link to a YAML file or to a (namespace) folder hides policies; one to README.md does not.
      if (YAML_FILE.test(name) || !/\.[^.]+$/.test(name)) {
        out.problems.push({
          file: rel,
          message: `broken symlink: ${errorMessage(err)}`,
          namespace: relDir || YAML_FILE.test(name) ? nsOf(rel) : name,
        });
      }
      return;
    }
  }
  if (target.isDirectory()) {
    const real = await realpath(full);
    if (out.skip?.has(path.resolve(full)) || out.skip?.has(real)) return;
    if (ancestors.includes(real)) {
      out.problems.push({ file: rel, message: "symlink loop: this folder contains itself", namespace: nsOf(rel) });
      return;
    }
    await walkDir(root, rel, [...ancestors, real], out);
  } else if (target.isFile() && YAML_FILE.test(name)) {
    await readManifest(full, rel, target.size, out);
  }
}

async function readManifest(full: string, rel: string, size: number, out: WalkResult): Promise<void> {
  if (size > MAX_FILE_BYTES) {
    out.problems.push({
      file: rel,
      message: `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a policy file`,
      namespace: nsOf(rel),
    });
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await io(() => readFile(full));
  } catch (err) {
    out.problems.push({ file: rel, message: `cannot read file: ${errorMessage(err)}`, namespace: nsOf(rel) });
    return;
  }
  const nul = bytes.indexOf(0);
  const decoded =
    nul >= 0 ? { badLine: bytes.subarray(0, nul).toString("latin1").split("\n").length } : decodeUtf8(bytes);
  if ("badLine" in decoded) {
    out.problems.push({
      file: rel,
      line: decoded.badLine,
      message: "not a text file (NUL byte or invalid UTF-8)",
      namespace: nsOf(rel),
    });
    return;
  }
  out.files.push({ rel, text: decoded.text });
}

/** The namespace a file's objects default to by the folder convention, "*" at the root. */
export function nsOf(rel: string): string {
  const parts = rel.split("/");
  return parts.length > 1 ? (parts[0] as string) : "*";
}
