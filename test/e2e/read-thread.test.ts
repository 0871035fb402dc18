import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDesired as loadHere } from "../../src/sources/desired/index.js";
import { link, policyYaml, put, tempTree } from "../fixtures/temp-tree.js";
import { ROOT } from "./helpers/cli.js";

// The built loader reads the desired folder's files on a thread of its own (dist/sources/desired/read-worker.js)
// while it parses those already read; the unit tests run the sources, which read on the one thread. Both must
// load the same: every policy, every problem, in the same order, and a reader thread that dies must lose
// nothing.

type ReadThread = typeof import("../../src/sources/desired/read-thread.js");
type Desired = typeof import("../../src/sources/desired/index.js");
const BUILT = path.join(ROOT, "dist/sources/desired");
const built = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(BUILT, file)).href)) as T;

/** More files than a few batches, with every kind of file the reader answers differently. */
async function folder(): Promise<string> {
  const files: Record<string, string | Uint8Array> = {};
  for (let n = 0; n < 12; n++)
    for (let i = 0; i < 60; i++) files[`team-${n}/p-${i}.yaml`] = policyYaml(`p-${i}`, { namespace: `team-${n}` });
  files["team-3/binary.yaml"] = new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x0a, 0x00, 0x01]);
  files["team-4/latin1.yaml"] = new Uint8Array([0x6b, 0x3a, 0x20, 0xe9, 0x0a]);
  files["team-5/big.yaml"] = `# ${"x".repeat(4 * 1024 * 1024)}\n`;
  files["team-6/empty.yaml"] = "";
  // Three files under the limit that do not fit one slot together: each batch stops before the one that does not fit.
  for (const k of [1, 2, 3]) files[`team-8/large-${k}.yaml`] = `# ${String(k).repeat(3 * 1024 * 1024)}\n`;
  const root = await tempTree(files);
  await link(root, "team-7/gone.yaml", "nowhere.yaml");
  return root;
}

describe("the built loader: desired files read on the reader thread", () => {
  it("has the reader thread built next to the loader", () => {
    expect(existsSync(path.join(BUILT, "read-worker.js"))).toBe(true);
  });

  it("loads the same policies and problems as the loader reading on one thread", async () => {
    const root = await folder();
    const { loadDesired } = await built<Desired>("index.js");
    const [threaded, here] = await Promise.all([loadDesired(root), loadHere(root)]);
    expect(threaded.objects.length).toBe(720);
    expect(threaded.problems.map((p) => p.file)).toEqual(
      expect.arrayContaining(["team-3/binary.yaml", "team-4/latin1.yaml", "team-5/big.yaml", "team-7/gone.yaml"]),
    );
    expect(threaded).toEqual(here);
  });

  it("hands on every read in order, on the thread as here, and a file that went away is its error", async () => {
    const root = await folder();
    const { fileReader, readHere, readOnThread } = await built<ReadThread>("read-thread.js");
    const paths = [...Array(700).keys()].map((i) => path.join(root, `team-${i % 12}`, `p-${i % 60}.yaml`));
    paths.splice(300, 0, path.join(root, "team-5/big.yaml"), path.join(root, "no-such.yaml"));
    paths.splice(400, 0, ...[1, 2, 3].map((k) => path.join(root, `team-8/large-${k}.yaml`)));
    const collect = async (read: ReadThread["readHere"]) => {
      const got: unknown[] = [];
      await read(paths, (i, r) =>
        got.push([i, r instanceof Error ? r.message : typeof r === "number" ? r : r.toString()]),
      );
      return got;
    };
    const onThread = fileReader();
    expect(onThread).not.toBe(readHere); // this machine has two cores and the built worker
    const [threaded, here] = [await collect(onThread), await collect(readHere)];
    // The same on the built worker, which reads every one of them (none is left to this thread).
    const entry = pathToFileURL(path.join(BUILT, "read-worker.js"));
    let left = -1;
    const direct = await collect(async (p, each) => {
      left = await readOnThread(entry, p, each);
    });
    expect(left).toBe(0);
    expect(direct).toEqual(here);
    expect(threaded).toHaveLength(paths.length);
    expect(threaded[301]).toEqual([301, expect.stringContaining("ENOENT")]);
    expect(threaded[300]).toEqual([300, 4 * 1024 * 1024 + 3]);
    expect((threaded[402] as [number, string])[1]).toBe(`# ${"3".repeat(3 * 1024 * 1024)}\n`);
    expect(threaded).toEqual(here);
  });

  it.each([
    ["cannot start", "throw new Error('no thread today');"],
    [
      "dies after its first batch",
      `import { parentPort, workerData } from "node:worker_threads";
       import { readInto } from ${JSON.stringify(pathToFileURL(path.join(BUILT, "read-file.js")).href)};
       const { paths, batch, slots, slotBytes, ahead } = workerData;
       const read = readInto(paths, 0, batch, new Uint8Array(slots, 0, slotBytes));
       Atomics.add(ahead, 0, 1);
       parentPort.postMessage({ slot: 0, read });
       setTimeout(() => process.exit(3), 20);`,
    ],
  ])("reads the rest on this thread when the reader %s", async (_, source) => {
    const root = await folder();
    const entry = path.join(root, "worker.mjs");
    await writeFile(entry, source);
    const { readOnThread, readHere } = await built<ReadThread>("read-thread.js");
    const paths = [...Array(500).keys()].map((i) => path.join(root, `team-${i % 12}`, `p-${i % 60}.yaml`));
    const got: [number, string][] = [];
    const want: [number, string][] = [];
    const left = await readOnThread(pathToFileURL(entry), paths, (i, r) => got.push([i, String(r)]));
    expect(left).toBe(source.startsWith("throw") ? 500 : 500 - 128);
    await readHere(paths, (i, r) => want.push([i, String(r)]));
    expect(got).toEqual(want);
  });
});

// A shared folder read under two names stays two namespaces' files on the thread too (walk.ts).
it("reads a namespace folder linked twice under both names", async () => {
  const root = await tempTree({ "shared/deny.yaml": policyYaml("deny") });
  await link(root, "team-a", "shared");
  await link(root, "team-b", "shared");
  await put(root, "team-c/own.yaml", policyYaml("own"));
  const { loadDesired } = await built<Desired>("index.js");
  const [threaded, here] = await Promise.all([loadDesired(root), loadHere(root)]);
  expect(threaded).toEqual(here);
  expect(
    threaded.objects.map((o) => `${o.namespace}/${o.raw.metadata && (o.raw.metadata as { name: string }).name}`),
  ).toContain("team-b/deny");
});
