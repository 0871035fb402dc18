// Replays a parsed Dockerfile into plain folders, one per stage, without a container engine: every absolute
// path of a stage lives under that stage's folder, COPY copies (honouring .dockerignore), RUN runs each
// `&&` step with sh. A few steps cannot or must not run on a test host; they are listed with a reason, and
// the replay fails if one of them no longer matches anything (so the list cannot go stale).
import { execFile } from "node:child_process";
import { cp, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Stage } from "./dockerfile.js";

const exec = promisify(execFile);

export interface Substitution {
  /** Matches one `&&` step of a RUN (after path mapping is NOT applied: the Dockerfile's own text). */
  step: RegExp;
  reason: string;
  /** What to do instead; nothing when absent. */
  instead?: (cwd: string) => Promise<void>;
}

export interface ReplayResult {
  /** Folder standing in for each stage's "/", by stage name (or index). */
  roots: Map<string, string>;
  final: { root: string; cwd: string; env: Record<string, string>; user?: string; entrypoint: string[]; cmd: string[] };
  /** What ran, for failure messages. */
  transcript: string[];
}

/** "/opt/x" → "<root>/opt/x" for every absolute path in a shell step or an ENV value. */
export function mapPaths(text: string, root: string): string {
  return text.replace(/(^|[\s=:'"])\/(?!\/)/g, `$1${root}/`);
}

export async function replay(
  stages: Stage[],
  opts: { context: string; ignore: string[]; work: string; substitutions: Substitution[] },
): Promise<ReplayResult> {
  const roots = new Map<string, string>();
  const used = new Set<Substitution>();
  const transcript: string[] = [];
  let final: ReplayResult["final"] | undefined;

  for (const [i, stage] of stages.entries()) {
    const root = path.join(opts.work, `stage-${stage.name ?? i}`);
    for (const d of ["tmp", "usr/local/bin"]) await mkdir(path.join(root, d), { recursive: true });
    roots.set(stage.name ?? String(i), root);
    let cwd = root;
    const env: Record<string, string> = {};
    const state = { user: undefined as string | undefined, entrypoint: [] as string[], cmd: [] as string[] };
    const inside = (p: string) => (p.startsWith("/") ? path.join(root, p) : path.resolve(cwd, p));

    for (const step of stage.steps) {
      switch (step.kind) {
        case "WORKDIR":
          cwd = inside(step.dir);
          await mkdir(cwd, { recursive: true });
          break;
        case "COPY": {
          const fromRoot = step.from === undefined ? undefined : roots.get(step.from);
          if (step.from !== undefined && !fromRoot) throw new Error(`COPY --from=${step.from}: no such stage`);
          const dest = inside(step.dest);
          const intoDir = step.dest.endsWith("/") || step.dest === "." || step.sources.length > 1;
          if (intoDir) await mkdir(dest, { recursive: true });
          for (const src of step.sources) {
            if (fromRoot)
              await cp(path.join(fromRoot, src), intoDir ? path.join(dest, path.basename(src)) : dest, {
                recursive: true,
              });
            else await copyFromContext(opts.context, src, dest, intoDir, opts.ignore);
          }
          transcript.push(`COPY ${step.from ? `--from=${step.from} ` : ""}${step.sources.join(" ")} ${step.dest}`);
          break;
        }
        case "RUN":
          for (const part of step.command.split("&&").map((s) => s.trim())) {
            const sub = opts.substitutions.find((s) => s.step.test(part));
            if (sub) {
              used.add(sub);
              transcript.push(`# ${part}  → ${sub.reason}`);
              await sub.instead?.(cwd);
              continue;
            }
            const command = mapPaths(part, root);
            transcript.push(`$ ${command}`);
            await exec("sh", ["-c", command], {
              cwd,
              env: { ...process.env, ...env, PATH: `${path.join(root, "usr/local/bin")}:${process.env.PATH}` },
              maxBuffer: 64 * 1024 * 1024,
              timeout: 8 * 60_000,
            }).catch((err: { stderr?: string; stdout?: string; message: string }) => {
              throw new Error(
                `replay of "${part}" failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}\n--- so far:\n${transcript.join("\n")}`,
              );
            });
          }
          break;
        case "ENV":
          for (const [k, v] of step.vars) env[k] = mapPaths(v, root);
          break;
        case "USER":
          state.user = step.user;
          break;
        case "ENTRYPOINT":
          state.entrypoint = step.argv;
          break;
        case "CMD":
          state.cmd = step.argv;
          break;
        case "OTHER":
          throw new Error(`the replay does not know ${step.keyword}: teach test/unit/dockerfile/replay.ts`);
      }
    }
    final = { root, cwd, env, ...state };
  }
  const stale = opts.substitutions.filter((s) => !used.has(s));
  if (stale.length)
    throw new Error(
      `substitutions that match no Dockerfile step any more: ${stale.map((s) => s.step.source).join(", ")}`,
    );
  if (!final) throw new Error("the Dockerfile has no stage");
  return { roots, final, transcript };
}

async function copyFromContext(
  context: string,
  src: string,
  dest: string,
  intoDir: boolean,
  ignore: string[],
): Promise<void> {
  if (src === "." || src === "./") {
    for (const entry of await readdir(context)) {
      if (isIgnored(entry, ignore)) continue;
      await cp(path.join(context, entry), path.join(dest, entry), { recursive: true, verbatimSymlinks: true });
    }
    return;
  }
  if (isIgnored(src.split("/")[0] as string, ignore)) throw new Error(`COPY ${src}: excluded by .dockerignore`);
  await cp(path.join(context, src), intoDir ? path.join(dest, path.basename(src)) : dest, { recursive: true });
}

/** Top-level names, with `*` globs (".env.*", "*.log"). */
function isIgnored(name: string, ignore: string[]): boolean {
  return ignore.some((pattern) => {
    if (pattern.includes("/"))
      throw new Error(`.dockerignore pattern "${pattern}": the replay only knows top-level names`);
    const re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return re.test(name);
  });
}
