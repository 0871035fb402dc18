// `--out FILE` for report, check and diff: bytes to a file, whole or not at all.
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Write to a temp file next to FILE, flush it and rename, so a reader never sees half a report. Any failure
 * (a full disk, a file-size limit, FILE being a folder) removes the temp file and names FILE in the error.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  let created = false;
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const handle = await open(tmp, "w");
    created = true;
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    if (created) await rm(tmp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot write ${file}: ${e.code ? `${errnoText(e)} (${e.code})` : e.message}`, { cause: err });
  }
}

// Node's messages repeat the syscall and a path (the temp file's, not the one the user named).
function errnoText(e: NodeJS.ErrnoException): string {
  return e.message.replace(/^[A-Z0-9_]+: /, "").replace(/, [a-z]+(?: .*)?$/, "");
}
