// The Dockerfile's steps, proven without a Docker engine: the build stage's `npm run build && npm pack`, then
// the runtime stage's `npm ci --omit=dev` of that tarball into an empty folder, then the image's entrypoint on
// a --live-file. Needs the npm registry (for the production install) and git on the host.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerignore, parseStages, ROOT } from "./dockerfile.js";
import { replay, type ReplayResult } from "./replay.js";

const exec = promisify(execFile);
const INSTALL_TIMEOUT = 10 * 60_000;

const SUBSTITUTIONS = [
  {
    step: /^if \[ -s \/run\/secrets\/extra-ca \]; then export NODE_EXTRA_CA_CERTS=\S+; fi; npm ci --ignore-scripts\b/,
    reason: "this checkout's node_modules: the same package-lock.json, already installed with dev dependencies",
    instead: (cwd: string) => symlinkNodeModules(cwd),
  },
  { step: /^apt-get (update|install)\b/, reason: "system packages: the host's git is used (checked below)" },
  { step: /^rm -rf \/var\/lib\/apt\/lists/, reason: "apt cleanup" },
  { step: /^chown /, reason: "needs root; the image's numeric USER owns /scratch" },
];

async function symlinkNodeModules(cwd: string): Promise<void> {
  await symlink(path.join(ROOT, "node_modules"), path.join(cwd, "node_modules"), "dir");
}

// One unmanaged live policy next to an in-sync one: `report` must exit 1 and name exactly the drift.
const UNMANAGED = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: debug-allow-all
  namespace: stratmaster
spec:
  podSelector: {}
  ingress: [{}]
  policyTypes: [Ingress]
`;

describe("the Dockerfile's install, replayed into empty folders", () => {
  let work: string;
  let built: ReplayResult;

  beforeAll(async () => {
    work = await realpath(await mkdtemp(path.join(tmpdir(), "netpol-drift-image-")));
    built = await replay(parseStages(), { context: ROOT, ignore: dockerignore(), work, substitutions: SUBSTITUTIONS });
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("leaves compiled JavaScript and production dependencies only", async () => {
    const app = built.final.cwd;
    expect(existsSync(path.join(app, "dist/cli/main.js"))).toBe(true);
    expect(existsSync(path.join(app, "dist/cli/schedule.js"))).toBe(true);
    expect(existsSync(path.join(app, "src"))).toBe(false);
    expect(existsSync(path.join(app, "test"))).toBe(false);
    const deps = await readdir(path.join(app, "node_modules"));
    for (const prod of ["prom-client", "node-cron", "simple-git", "pino", "@kubernetes"]) expect(deps).toContain(prod);
    for (const dev of ["typescript", "vitest", "@octokit/openapi"])
      expect(existsSync(path.join(app, "node_modules", dev))).toBe(false);
    // pino-pretty is optional (terminals only); type declarations and source maps are never read at run time
    expect(existsSync(path.join(app, "node_modules/pino-pretty"))).toBe(false);
    expect(existsSync(path.join(app, "node_modules/@types"))).toBe(false);
    expect(existsSync(path.join(app, "node_modules/@kubernetes/client-node/dist/index.d.ts"))).toBe(false);
    expect(existsSync(path.join(app, "node_modules/@kubernetes/client-node/dist/index.js"))).toBe(true);
    expect(existsSync(path.join(app, "dist/cli/main.js.map"))).toBe(false);
    // Exactly the lockfile's production tree: every non-dev, non-optional top-level package present, no other.
    const lock = JSON.parse(await readFile(path.join(app, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
    };
    const top = Object.entries(lock.packages).filter(([k]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(k));
    for (const [key, meta] of top) {
      const present = existsSync(path.join(app, key));
      // dev and optional (--omit=optional) packages, and @types/* (declarations only, deleted) are out
      const out = meta.dev || meta.devOptional || meta.optional || key.startsWith("node_modules/@types/");
      expect({ key, present }).toEqual({ key, present: !out });
    }
  });

  it("has nothing of the build context but what npm pack ships", async () => {
    const files = await readdir(built.final.cwd);
    expect(files.filter((f) => !["node_modules", "package-lock.json"].includes(f)).sort()).toEqual(
      expect.arrayContaining(["bin", "desired", "dist", "package.json"]),
    );
    for (const never of ["Dockerfile", "deploy", "jobs", "tsconfig.json", ".git"]) expect(files).not.toContain(never);
  });

  it("its entrypoint runs `report` on a --live-file, with the image's environment and the host's git", async () => {
    const { final } = built;
    expect(final.user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const entry =
      final.entrypoint[0] === "/usr/bin/tini"
        ? final.entrypoint.slice(final.entrypoint.indexOf("--") + 1)
        : final.entrypoint;
    expect(entry).toEqual(["netpol-drift"]);
    await exec("git", ["--version"]);

    const desired = path.join(final.cwd, "desired");
    const live = path.join(work, "live.yaml");
    await writeFile(live, (await readFile(path.join(desired, "stratmaster/default-deny.yaml"), "utf8")) + UNMANAGED);
    const scratch = final.env.NETPOL_DRIFT_WORKDIR as string;
    await mkdir(scratch, { recursive: true });
    const env = { ...final.env, PATH: `${path.join(final.root, "usr/local/bin")}:${process.env.PATH}` };

    const result = await exec(
      entry[0] as string,
      ["report", "--desired", desired, "--live-file", live, "-n", "stratmaster", "-o", "json"],
      {
        cwd: final.cwd,
        env,
      },
    ).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.stderr).not.toMatch(/Error|Cannot find/);
    // without a terminal (and without pino-pretty) the logs are JSON lines
    expect(
      result.stderr
        .split("\n")
        .filter(Boolean)
        .map((l) => typeof (JSON.parse(l) as { level: unknown }).level),
    ).toEqual(expect.arrayContaining(["number"]));
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      drift: { namespace: string; name: string; state: string }[];
      complete: boolean;
    };
    expect(report.complete).toBe(true);
    const byName = Object.fromEntries(report.drift.map((d) => [`${d.namespace}/${d.name}`, d.state]));
    expect(byName["stratmaster/debug-allow-all"]).toBe("unmanaged");
    expect(byName["stratmaster/default-deny"]).toBeUndefined();
    expect(byName["stratmaster/api-to-postgres"]).toBe("missing");

    const version = await exec(entry[0] as string, ["--version"], { cwd: final.cwd, env });
    expect(version.stdout).toMatch(/^netpol-drift \d+\.\d+\.\d+/);
    const schedule = await exec(entry[0] as string, ["schedule", "--help"], { cwd: final.cwd, env });
    expect(schedule.stdout).toContain("--cron EXPR");
  }, 120_000);

  it(
    "the packed tarball also installs as a dependency with --omit=dev, without running its `prepare` (tsc)",
    async () => {
      const tgz = path.join(built.roots.get("build") as string, "pkg/netpol-drift.tgz");
      const dir = path.join(work, "as-dependency");
      await mkdir(dir);
      await writeFile(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
      );
      const install = await exec(
        "npm",
        ["install", "--omit=dev", "--no-audit", "--no-fund", "--foreground-scripts", tgz],
        {
          cwd: dir,
          timeout: INSTALL_TIMEOUT,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      expect(`${install.stdout}${install.stderr}`).not.toMatch(/tsc -p|> netpol-drift@[^\n]* prepare/);
      const bin = path.join(dir, "node_modules/.bin/netpol-drift");
      const out = await exec(bin, ["--version"], { cwd: dir });
      expect(out.stdout).toMatch(/^netpol-drift /);
      expect(existsSync(path.join(dir, "node_modules/typescript"))).toBe(false);
    },
    INSTALL_TIMEOUT,
  );
});
