import { rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../../src/log/logger.js";
import { blobAtHead, deliveryNotesRef, fetchNotes, publishNote, readNote } from "../../../../src/sinks/git/notes.js";
import { PolicyRepo } from "../../../../src/sinks/git/repo.js";
import { createBareRepo, startHttpGitServer, tempDir } from "../../../helpers/git-server.js";

// The delivery notes on real git: a bare repo, clones of it, pushes over file:// and smart HTTP.

const REF = deliveryNotesRef("prod-eu");
const RECORD = "change-records/prod-eu/0001-20250601T023000Z-new.json";
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function world() {
  const root = await tempDir();
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const bare = await createBareRepo(root, {
    files: { [RECORD]: '{"record":1}\n', "change-records/prod-eu/0002-20250602T023000Z-changed.json": "{}\n" },
  });
  let n = 0;
  const clone = () =>
    PolicyRepo.clone(
      { url: bare.fileUrl, dir: path.join(root, `clone-${++n}`), author: { name: "bot", email: "b@x" }, secrets: [] },
      "main",
    );
  return { root, bare, clone };
}

const set = (text: string) => () => text;

describe("delivery notes", () => {
  it("a note on the record's blob, pushed to refs/notes/netpol-drift/<cluster>; no branch moves", async () => {
    const { bare, clone } = await world();
    const before = bare.rev("main");
    const repo = await clone();
    expect(await fetchNotes(repo, REF)).toBe(false);
    const blob = await blobAtHead(repo, RECORD);
    expect(await readNote(repo, REF, blob)).toBeUndefined();
    const opts = { ref: REF, object: blob, retries: 2, logger: silentLogger() };
    expect(await publishNote(repo, { ...opts, next: set('{"a":1}') })).toBe("pushed");
    expect(bare.note(REF, blob)).toBe('{"a":1}\n');
    expect(bare.rev("main")).toBe(before);
    // The same text again: nothing pushed; `next` sees what the remote holds.
    const seen: (string | undefined)[] = [];
    const again = await publishNote(await clone(), {
      ...opts,
      next: (cur) => (seen.push(cur), '{"a":1}'),
    });
    expect(again).toBe("nothing");
    expect(seen).toEqual(['{"a":1}\n']);
  });

  it("another writer's note lands between our fetch and our push: refused, re-read, both kept", async () => {
    const { bare, clone } = await world();
    const a = await clone();
    const b = await clone();
    const blob1 = await blobAtHead(a, RECORD);
    const blob2 = await blobAtHead(b, "change-records/prod-eu/0002-20250602T023000Z-changed.json");
    const base = { ref: REF, retries: 2, logger: silentLogger() };
    expect(await publishNote(a, { ...base, object: blob1, next: set('{"n":1}') })).toBe("pushed");
    const seen: (string | undefined)[] = [];
    const res = await publishNote(b, {
      ...base,
      object: blob2,
      next: (cur) => {
        // The first attempt: a second note by someone else lands on the remote before b pushes.
        if (seen.push(cur) === 1) bare.addNote(REF, blob1, '{"n":"1b"}');
        return '{"n":2}';
      },
    });
    expect(res).toBe("pushed");
    expect(seen).toEqual([undefined, undefined]);
    expect(bare.note(REF, blob1)).toBe('{"n":"1b"}\n');
    expect(bare.note(REF, blob2)).toBe('{"n":2}\n');
  });

  it("over smart HTTP: another note lands between our fetch and our push; we re-read and keep both", async () => {
    const { root, bare } = await world();
    const server = await startHttpGitServer(root);
    cleanup.push(() => server.close());
    const repo = await PolicyRepo.clone(
      {
        url: server.url(bare.dir),
        dir: path.join(root, "http-clone"),
        author: { name: "bot", email: "b@x" },
        secrets: [],
      },
      "main",
    );
    const blob = await blobAtHead(repo, RECORD);
    // Another writer's note on another object lands after our first fetch.
    const other = bare.rev("main");
    let calls = 0;
    const res = await publishNote(repo, {
      ref: REF,
      object: blob,
      retries: 2,
      logger: silentLogger(),
      next: (cur) => {
        if (++calls === 1) bare.addNote(REF, other, "other");
        return cur ?? '{"x":1}';
      },
    });
    expect(res).toBe("pushed");
    expect(calls).toBe(2);
    expect(bare.note(REF, blob)).toBe('{"x":1}\n');
    expect(bare.note(REF, other)).toBe("other\n");
  });

  it("the note follows the file, not the commit: after a squash merge of the branch, main's copy finds it", async () => {
    const { bare, clone } = await world();
    const repo = await clone();
    const file = "change-records/prod-eu/0003-20250603T023000Z-changed.json";
    await repo.exec(["checkout", "-b", "netpol-drift/prod-eu"]);
    await repo.write(file, '{"record":3}\n');
    await repo.commit("record 3", [file]);
    await repo.push("netpol-drift/prod-eu");
    const blob = await blobAtHead(repo, file);
    await publishNote(repo, { ref: REF, object: blob, retries: 0, logger: silentLogger(), next: set('{"k":1}') });
    // A reviewer squash-merges the branch: main gets a new commit holding the same file.
    bare.squashMerge("netpol-drift/prod-eu", "main");
    expect(bare.log("main")[0]).toBe("squashed netpol-drift/prod-eu");
    const later = await clone();
    expect(await fetchNotes(later, REF)).toBe(true);
    expect(await readNote(later, REF, await blobAtHead(later, file))).toBe('{"k":1}\n');
  });

  it("a remote that cannot be read is an error, not 'no note' (which would deliver everything again)", async () => {
    const { root, clone } = await world();
    const repo = await clone();
    await repo.exec(["remote", "set-url", "origin", `file://${root}/gone.git`]);
    await expect(fetchNotes(repo, REF)).rejects.toThrow(/git ls-remote/);
  });
});
