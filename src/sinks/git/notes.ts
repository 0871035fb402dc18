import type { Logger } from "../../log/logger.js";
import { backOff, keptMoving } from "./publish.js";
import type { PolicyRepo } from "./repo.js";

// Delivery state (which PR/MR, when the digest went out) lives beside the history, not in it: a git note
// under refs/notes/netpol-drift/<cluster>, attached to the record file's blob. The blob, not the commit: a
// squash merge, a rebase or a cherry-pick carries the record file unchanged, so its note still applies.
// The notes ref is pushed like a branch, never with force; a push that lost a race starts over from the
// remote's notes.

export function deliveryNotesRef(cluster: string): string {
  return `refs/notes/netpol-drift/${cluster}`;
}

/** Make the clone's notes ref the remote's (none when the remote has none); false when there is none. */
export async function fetchNotes(repo: PolicyRepo, ref: string): Promise<boolean> {
  const listed = await repo.exec(["ls-remote", "origin", ref]);
  // ls-remote matches patterns by their tail: keep the exact ref only.
  const exists = listed.split("\n").some((line) => line.split(/\s+/)[1] === ref);
  if (!exists) {
    await repo.tryExec(["update-ref", "-d", ref]);
    return false;
  }
  await repo.exec(["fetch", "--depth", "1", "--no-tags", "origin", `+${ref}:${ref}`]);
  return true;
}

/** The blob id of a file at HEAD: what a note is attached to. */
export async function blobAtHead(repo: PolicyRepo, file: string): Promise<string> {
  return (await repo.exec(["rev-parse", `HEAD:${file}`])).trim();
}

/** The note on `object` in the clone's notes ref, or undefined when it has none. */
export async function readNote(repo: PolicyRepo, ref: string, object: string): Promise<string | undefined> {
  // `notes list` answers an absent ref with nothing; `notes show` would fail alike for "no note" and real errors.
  const listed = await repo.exec(["notes", "--ref", ref, "list"]);
  const line = listed.split("\n").find((l) => l.split(" ")[1] === object);
  const note = line?.split(" ")[0];
  return note ? repo.exec(["cat-file", "blob", note]) : undefined;
}

export interface NoteOptions {
  ref: string;
  /** The object the note is on (a record file's blob). */
  object: string;
  /** The note's new text from the remote's current one; undefined or the same text: nothing to write. */
  next: (current: string | undefined) => string | undefined;
  retries: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** Write a note and push its ref without force, reading the remote's note again whenever the push lost. */
export async function publishNote(repo: PolicyRepo, opts: NoteOptions): Promise<"pushed" | "nothing"> {
  let last = "";
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    await fetchNotes(repo, opts.ref);
    const current = await readNote(repo, opts.ref, opts.object);
    const text = opts.next(current);
    if (text === undefined || text.trim() === current?.trim()) return "nothing";
    // One line of JSON: git's whitespace clean-up of -m leaves it as it is.
    await repo.exec(["notes", "--ref", opts.ref, "add", "--force", "-m", text.trim(), opts.object]);
    const pushed = await repo.pushRef(opts.ref, opts.ref);
    if (pushed.outcome === "pushed") {
      opts.logger.info({ ref: opts.ref, object: opts.object, attempt }, "delivery note pushed");
      return "pushed";
    }
    last = pushed.detail;
    opts.logger.warn(
      { ref: opts.ref, attempt, rejected: pushed.detail },
      "note push rejected; reading the notes again",
    );
    await backOff(pushed.lostRace, attempt, opts);
  }
  throw keptMoving(opts.ref, opts.retries, last);
}
