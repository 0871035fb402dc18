import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "../../model/types.js";
import { decodeUtf8 } from "../live/text-checks.js";
import { errorMessage } from "../../util/errors.js";
import { MAX_FILE_BYTES } from "./read-file.js";
import { type FileRead, fileReader } from "./read-thread.js";

export interface ManifestFile {
  /** Path relative to the desired root, with `/` separators. */
  rel: string;
  text: string;
  /** What `each` made of the text (the text is then dropped). */
  prepared?: unknown;
}

export interface WalkResult {
  files: ManifestFile[];
  problems: Problem[];
  /** Called on each file as it is read: 50,000 files are then never all held as text at once. */
  each?: (file: ManifestFile) => ManifestFile;
  /**
   * Folders never entered, as resolved paths (and their real paths): the change records are JSON/YAML that
   * are no manifests, and wherever the configuration puts them they are not policies.
   */
  skip?: Set<string>;
  /** The policy files found, in name order: read once the folders are listed (read-thread.ts). */
  toRead: { full: string; rel: string }[];
}
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
export async function walkDesired(root: string, each?: WalkResult["each"], skip: string[] = []): Promise<WalkResult> {
  const result: WalkResult = {
    files: [],
    problems: [],
    toRead: [],
    each,
    skip: new Set(skip.map((p) => path.resolve(p))),
  };
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
  const found = result.toRead;
  await fileReader()(
    found.map((f) => f.full),
    (i, read) => readManifest(read, (found[i] as { rel: string }).rel, result),
  );
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}

/**
 * `ancestors`: real paths of the folders being read, outermost first. Only a folder that contains itself is
 * a loop; the same folder linked into two namespace folders (a shared default-deny) is read under each.
 */
async function walkDir(root: string, relDir: string, ancestors: string[], out: WalkResult): Promise<void> {
  const dir = path.join(root, relDir);
  let entries: Dirent[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch (err) {
    out.problems.push({
      file: relDir || ".",
      message: `cannot read directory: ${errorMessage(err)}`,
      namespace: nsOf(relDir),
    });
    return;
  }
  // Entries are listed concurrently (1,000 namespace folders wait on the disk, not the CPU) and merged in name
  // order, so the result does not depend on which listing finished first. Their files are read afterwards,
  // all in one stream (read-thread.ts): on a cold page cache the reader thread waits on the disk while this
  // one parses.
  const parts = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith("."))
      .map(async (e) => {
        const part: WalkResult = { files: [], problems: [], each: out.each, skip: out.skip, toRead: [] };
        await walkEntry(root, relDir, e, ancestors, part);
        return part;
      }),
  );
  for (const part of parts) {
    out.files.push(...part.files);
    out.problems.push(...part.problems);
    out.toRead.push(...part.toRead);
  }
}

async function walkEntry(
  root: string,
  relDir: string,
  entry: Dirent,
  ancestors: string[],
  out: WalkResult,
): Promise<void> {
  const name = entry.name;
  const rel = relDir ? `${relDir}/${name}` : name;
  const full = path.join(root, rel);
  // The folder listing says what each entry is: only a symlink needs a stat of its own.
  let target: { isDirectory(): boolean; isFile(): boolean } = entry;
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
    out.toRead.push({ full, rel });
  }
}

function readManifest(read: FileRead, rel: string, out: WalkResult): void {
  if (read instanceof Error) {
    out.problems.push({ file: rel, message: `cannot read file: ${errorMessage(read)}`, namespace: nsOf(rel) });
    return;
  }
  if (typeof read === "number") {
    out.problems.push({
      file: rel,
      message: `file is ${read} bytes, over the ${MAX_FILE_BYTES}-byte limit for a policy file`,
      namespace: nsOf(rel),
    });
    return;
  }
  const nul = read.indexOf(0);
  const decoded =
    nul >= 0 ? { badLine: read.subarray(0, nul).toString("latin1").split("\n").length } : decodeUtf8(read);
  if ("badLine" in decoded) {
    out.problems.push({
      file: rel,
      line: decoded.badLine,
      message: "not a text file (NUL byte or invalid UTF-8)",
      namespace: nsOf(rel),
    });
    return;
  }
  const file = { rel, text: decoded.text };
  out.files.push(out.each ? out.each(file) : file);
}

/** The namespace a file's objects default to by the folder convention, "*" at the root. */
export function nsOf(rel: string): string {
  const slash = rel.indexOf("/");
  return slash >= 0 ? rel.slice(0, slash) : "*";
}
