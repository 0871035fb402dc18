import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../../src/log/logger.js";
import { GitSinkError, PolicyRepo, publish, type RepoOptions } from "../../../../src/sinks/git/index.js";
import { createBareRepo, startHttpGitServer, tempDir, type HttpGitServer } from "../../../helpers/git-server.js";

const TOKEN = "s3cret-token-value-123";
const author = { name: "netpol-drift[bot]", email: "bot@example.test" };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(): Promise<{ root: string; bare: Awaited<ReturnType<typeof createBareRepo>> }> {
  const root = await tempDir();
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const bare = await createBareRepo(root, { files: { "ops/CHANGELOG.md": "# log\n" } });
  return { root, bare };
}

function opts(root: string, url: string, extra: Partial<RepoOptions> = {}): RepoOptions {
  return {
    url,
    dir: path.join(root, `clone-${Math.random().toString(36).slice(2)}`),
    author,
    secrets: [TOKEN],
    ...extra,
  };
}

const append = (line: string) => async (repo: PolicyRepo) => {
  const text = (await repo.read("ops/CHANGELOG.md")) ?? "";
  if (text.includes(line)) return undefined;
  await repo.write("ops/CHANGELOG.md", `${text}${line}\n`);
  return { message: `add ${line}`, paths: ["ops/CHANGELOG.md"] };
};

describe("git sink", () => {
  it("clones over file://, commits as the bot and pushes a new branch created from the base", async () => {
    const { root, bare } = await setup();
    const repo = await PolicyRepo.clone(opts(root, bare.fileUrl), "main");
    const res = await publish(repo, {
      branch: "netpol-drift/prod",
      base: "main",
      retries: 2,
      apply: append("entry 1"),
      logger: silentLogger(),
    });
    expect(res).toMatchObject({ outcome: "pushed", attempts: 1 });
    expect(bare.show("netpol-drift/prod", "ops/CHANGELOG.md")).toBe("# log\nentry 1\n");
    expect(bare.show("main", "ops/CHANGELOG.md")).toBe("# log\n");
    const again = await publish(repo, {
      branch: "netpol-drift/prod",
      base: "main",
      retries: 2,
      apply: append("entry 1"),
      logger: silentLogger(),
    });
    expect(again.outcome).toBe("nothing");
  });

  it("re-applies on the new tip when another commit lands between clone and push, never forcing", async () => {
    const { root, bare } = await setup();
    const repo = await PolicyRepo.clone(opts(root, bare.fileUrl), "main");
    let raced = false;
    const res = await publish(repo, {
      branch: "main",
      base: "main",
      retries: 2,
      logger: silentLogger(),
      apply: async (r, attempt) => {
        if (!raced) {
          raced = true;
          bare.commitFile("main", "ops/CHANGELOG.md", "# log\nhuman entry\n", "human");
        }
        return append(`bot entry (attempt ${attempt})`)(r);
      },
    });
    expect(res).toMatchObject({ outcome: "pushed", attempts: 2 });
    expect(bare.show("main", "ops/CHANGELOG.md")).toBe("# log\nhuman entry\nbot entry (attempt 2)\n");
    expect(bare.log("main")[1]).toBe("human");
  });

  it("gives up after the bounded retries when the remote keeps moving", async () => {
    const { root, bare } = await setup();
    const repo = await PolicyRepo.clone(opts(root, bare.fileUrl), "main");
    let n = 0;
    const run = publish(repo, {
      branch: "main",
      base: "main",
      retries: 1,
      logger: silentLogger(),
      apply: async (r) => {
        bare.commitFile("main", `other-${++n}.txt`, "x\n", `other ${n}`);
        return append(`bot ${n}`)(r);
      },
    });
    await expect(run).rejects.toThrow(/kept moving: rejected 2 times/);
  });

  it("a ref the server cannot lock (a stale lock file) is retried like a race, with a wait, then fails naming the rejection", async () => {
    const { root, bare } = await setup();
    const repo = await PolicyRepo.clone(opts(root, bare.fileUrl), "main");
    await writeFile(path.join(bare.dir, "refs", "heads", "main.lock"), "");
    const sleeps: number[] = [];
    let applied = 0;
    const run = publish(repo, {
      branch: "main",
      base: "main",
      retries: 2,
      logger: silentLogger(),
      sleep: async (ms) => void sleeps.push(ms),
      apply: async (r) => (applied++, append("entry")(r)),
    });
    await expect(run).rejects.toThrow(
      /rejected 3 times \(last: \[remote rejected\] HEAD -> main \(failed to update ref\): cannot lock ref 'refs\/heads\/main': Unable to create/,
    );
    expect(applied).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms > 0)).toBe(true);
    expect(bare.show("main", "ops/CHANGELOG.md")).toBe("# log\n");
  });

  it("a hook that declines the push is an error at once, not a race", async () => {
    const { root, bare } = await setup();
    const repo = await PolicyRepo.clone(opts(root, bare.fileUrl), "main");
    await bare.hook("pre-receive", "#!/bin/sh\necho 'protected branch' >&2\nexit 1\n");
    let applied = 0;
    const run = publish(repo, {
      branch: "main",
      base: "main",
      retries: 3,
      logger: silentLogger(),
      apply: async (r) => (applied++, append("entry")(r)),
    });
    await expect(run).rejects.toThrow(/\[remote rejected\] HEAD -> main \(pre-receive hook declined\)/);
    expect(applied).toBe(1);
  });

  describe("over smart HTTP (git http-backend)", () => {
    let server: HttpGitServer;
    it("sends the token as a header, pushes, and keeps it out of errors", async () => {
      const { root, bare } = await setup();
      server = await startHttpGitServer(root, { username: "x-access-token", token: TOKEN });
      cleanup.push(() => server.close());
      const url = server.url(bare.dir);
      const repo = await PolicyRepo.clone(
        opts(root, url, { auth: { username: "x-access-token", token: TOKEN } }),
        "main",
      );
      const res = await publish(repo, {
        branch: "main",
        base: "main",
        retries: 1,
        apply: append("over http"),
        logger: silentLogger(),
      });
      expect(res.outcome).toBe("pushed");
      expect(bare.show("main", "ops/CHANGELOG.md")).toContain("over http");
      expect(server.requests.some((r) => r.path.endsWith("/git-receive-pack") && r.method === "POST")).toBe(true);

      const wrong = "wrong-token-value-456";
      const err = await PolicyRepo.clone(
        opts(root, url, { auth: { username: "x-access-token", token: wrong }, secrets: [wrong] }),
        "main",
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GitSinkError);
      expect(String((err as Error).message)).not.toContain(wrong);
      expect(String((err as Error).message)).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString("base64"));
      expect((err as Error).message).toMatch(/git clone/);
    });

    it("redacts a token carried in the URL", async () => {
      const { root, bare } = await setup();
      server = await startHttpGitServer(root, { username: "u", token: TOKEN });
      cleanup.push(() => server.close());
      const url = server.url(bare.dir).replace("http://", `http://u:nope-not-it-789@`);
      const err = await PolicyRepo.clone(opts(root, url, { secrets: ["nope-not-it-789"] }), "main").catch(
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(GitSinkError);
      expect((err as Error).message).not.toContain("nope-not-it-789");
    });
  });
});
