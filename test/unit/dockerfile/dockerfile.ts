// The Dockerfile as data, read with a real Dockerfile parser (dockerfile-ast, the parser behind VS Code's
// Docker support), so the tests check what Docker would read, not what a regex thinks it sees.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  DockerfileParser,
  type Copy,
  type Entrypoint,
  type Env,
  type From,
  type Instruction,
  type Run,
} from "dockerfile-ast";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export type Step =
  | { kind: "WORKDIR"; dir: string }
  | { kind: "COPY"; from?: string; sources: string[]; dest: string }
  | { kind: "RUN"; command: string; flags: string[] }
  | { kind: "ENV"; vars: [string, string][] }
  | { kind: "USER"; user: string }
  | { kind: "ENTRYPOINT"; argv: string[] }
  | { kind: "CMD"; argv: string[] }
  | { kind: "OTHER"; keyword: string; text: string };

export interface Stage {
  /** The FROM image with global ARG defaults substituted. */
  base: string;
  name?: string;
  steps: Step[];
}

export function dockerfileText(): string {
  return readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
}

export function parseStages(text = dockerfileText()): Stage[] {
  const df = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const a of df.getInitialARGs()) {
    const p = a.getProperty();
    if (p) args.set(p.getName(), p.getValue() ?? "");
  }
  const expand = (s: string) =>
    s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => args.get((a ?? b) as string) ?? m);
  const stages: Stage[] = [];
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === "FROM") {
      const from = ins as From;
      stages.push({ base: expand(from.getImage() ?? ""), name: from.getBuildStage() ?? undefined, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // global ARGs, read above
    stage.steps.push(step(ins, keyword));
  }
  return stages;
}

function words(ins: Instruction): string[] {
  return ins.getArguments().map((a) => a.getValue());
}

function step(ins: Instruction, keyword: string): Step {
  switch (keyword) {
    case "WORKDIR":
      return { kind: "WORKDIR", dir: words(ins).join(" ") };
    case "COPY": {
      const copy = ins as Copy;
      const w = words(copy);
      return {
        kind: "COPY",
        from: copy.getFromFlag()?.getValue() ?? undefined,
        sources: w.slice(0, -1),
        dest: w.at(-1) ?? "",
      };
    }
    case "RUN":
      // Flags (--mount=...) are not part of the shell command.
      return {
        kind: "RUN",
        command: words(ins).join(" "),
        flags: (ins as Run).getFlags().map((f) => `--${f.getName()}=${f.getValue() ?? ""}`),
      };
    case "ENV":
      return { kind: "ENV", vars: (ins as Env).getProperties().map((p) => [p.getName(), p.getValue() ?? ""]) };
    case "USER":
      return { kind: "USER", user: words(ins).join(" ") };
    case "ENTRYPOINT":
    case "CMD":
      return {
        kind: keyword,
        argv: (ins as Entrypoint).getJSONStrings().map((s) => JSON.parse(s.getValue()) as string),
      };
    default:
      return { kind: "OTHER", keyword, text: ins.getArgumentsContent() ?? "" };
  }
}

/** .dockerignore as top-level names (the file keeps to those so the replay can honour it exactly). */
export function dockerignore(): string[] {
  return readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}
