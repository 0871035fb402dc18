// One report run twice, through main(): with the capture file named (scanned, on the reader thread in the
// built CLI) and with the same bytes on stdin (the ordinary reader), for the parity tests of this folder.
import path from "node:path";
import { runCli } from "../../fixtures/cli-context.js";
import type { Json } from "../../fixtures/server-shaped.js";
import { link, put, tempTree } from "../../fixtures/temp-tree.js";
import { desiredFiles } from "./capture-world.js";

/** The inputs of one report: the desired files (default: the world's), the capture, flags, rules, workloads. */
export interface Setup {
  desired?: Record<string, string>;
  capture: string | Buffer;
  args?: string[];
  rules?: string;
  /** A `kubectl get namespaces,pods -A -o json` capture for --workloads. */
  workloads?: Json;
  /** How the capture is named on the command line (default: capture.json, its absolute path). */
  where?: { name?: string; link?: boolean; relative?: boolean };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  logs: string[];
}

/** One run through main(), its logs without the times two runs cannot share. */
export async function cli(argv: string[], stdin?: Buffer): Promise<Run> {
  const r = await runCli(argv, stdin ? { stdin } : {});
  const logs = r.logs.map((line) => {
    const { time: _t, ms: _ms, ...rest } = line as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, logs };
}

export async function bothPaths(s: Setup, output: string): Promise<{ file: Run; stdin: Run; path: string }> {
  const root = await tempTree(s.desired ?? desiredFiles());
  const name = s.where?.name ?? "capture.json";
  await put(root, name, s.capture);
  let file = path.join(root, name);
  if (s.where?.link) {
    await link(root, "link.json", name);
    file = path.join(root, "link.json");
  }
  if (s.where?.relative) file = path.relative(process.cwd(), file);
  const rules = s.rules === undefined ? ["--no-rules"] : ["--rules", path.join(root, "rules.yaml")];
  if (s.rules !== undefined) await put(root, "rules.yaml", s.rules);
  const workloads = s.workloads ? ["--workloads", path.join(root, "workloads.json")] : [];
  if (s.workloads) await put(root, "workloads.json", JSON.stringify(s.workloads));
  const argv = (live: string) => [
    "report",
    "--desired",
    path.join(root, "desired"),
    "--live-file",
    live,
    "-o",
    output,
    ...rules,
    ...workloads,
    ...(s.args ?? []),
  ];
  const bytes = Buffer.isBuffer(s.capture) ? s.capture : Buffer.from(s.capture);
  const fromFile = await cli(argv(file));
  const fromStdin = await cli(argv("-"), bytes);
  const relabel = (t: string) => t.split(file).join("stdin");
  return {
    file: {
      code: fromFile.code,
      stdout: relabel(fromFile.stdout),
      stderr: relabel(fromFile.stderr),
      logs: fromFile.logs.map(relabel),
    },
    stdin: fromStdin,
    path: file,
  };
}
