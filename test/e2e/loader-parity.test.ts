import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultNormalizeOptions, type DesiredState } from "../../src/model/types.js";
import { normalizerFor } from "../../src/core/normalizer.js";
import { loadNormalized } from "../helpers/desired.js";
import { fieldPaths } from "../../src/sources/desired/schema.js";
import { ROOT } from "./helpers/cli.js";
import { envtest } from "./helpers/setup.js";

// The loader refuses exactly what the real API server refuses. Each corpus file is sent as kubectl sends
// it (`kubectl create --dry-run=server --validate=strict`: kubectl's YAML reader, then POST with
// dryRun=All&fieldValidation=Strict — nothing is written) and loaded by our loader:
//   accepted/  the server takes it; the loader reads it with no problem, to the value the server stored
//   refused/   the server refuses it; the loader has a problem at the line marked `# refused`
//   lint/      the server takes it, the loader refuses it on purpose (see the message), at the marked line
const CORPUS = path.join(ROOT, "test/e2e/fixtures/parity");
const NS = "parity";
const exec = promisify(execFile);

interface Case {
  kind: "accepted" | "refused" | "lint";
  name: string;
  text: string;
  markedLine?: number;
  server: { ok: true; object: Record<string, unknown> } | { ok: false; error: string };
  loaded: DesiredState;
}

async function loadOne(file: string, name: string): Promise<DesiredState> {
  const root = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-parity-"));
  await mkdir(path.join(root, NS));
  await copyFile(file, path.join(root, NS, `${name}.yaml`));
  return loadNormalized(root, { normalize: defaultNormalizeOptions() });
}

describe("loader parity with the real kube-apiserver", () => {
  const { env } = envtest();
  const kubectl = (args: string[]) =>
    exec(path.join(env.bin, "kubectl"), ["--kubeconfig", env.adminKubeconfig, ...args], {
      maxBuffer: 16 * 1024 * 1024,
    });
  const cases: Case[] = [];

  beforeAll(async () => {
    await kubectl(["create", "namespace", NS]).catch((e: { stderr?: string }) => {
      if (!e.stderr?.includes("AlreadyExists")) throw e;
    });
    const files: { kind: Case["kind"]; name: string; file: string }[] = [];
    for (const kind of ["accepted", "refused", "lint"] as const) {
      for (const f of (await readdir(path.join(CORPUS, kind))).sort())
        files.push({ kind, name: f.replace(/\.yaml$/, ""), file: path.join(CORPUS, kind, f) });
    }
    // a few kubectl processes at a time: 2 cores shared with other suites
    for (let i = 0; i < files.length; i += 4) {
      await Promise.all(
        files.slice(i, i + 4).map(async ({ kind, name, file }) => {
          const text = await readFile(file, "utf8");
          const marked = text.split("\n").findIndex((l) => l.endsWith("# refused"));
          const server = await kubectl([
            "create",
            "--dry-run=server",
            "--validate=strict",
            "-n",
            NS,
            "-f",
            file,
            "-o",
            "json",
          ]).then(
            (r) => ({ ok: true as const, object: JSON.parse(r.stdout) as Record<string, unknown> }),
            (e: { stderr?: string; message: string }) => ({ ok: false as const, error: e.stderr ?? e.message }),
          );
          cases.push({
            kind,
            name,
            text,
            server,
            loaded: await loadOne(file, name),
            ...(marked >= 0 ? { markedLine: marked + 1 } : {}),
          });
        }),
      );
    }
    cases.sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
  }, 300_000);

  it("the corpus has every kind of case, and refused/lint files mark the offending line", () => {
    expect(cases.filter((c) => c.kind === "accepted").length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.kind === "refused").length).toBeGreaterThanOrEqual(40);
    for (const c of cases)
      expect(
        c.kind === "accepted" ? c.markedLine === undefined : c.markedLine !== undefined,
        `${c.kind}/${c.name}`,
      ).toBe(true);
  });

  it("the server and the loader agree: refused by the server ⇔ refused by the loader", () => {
    const verdicts = cases.map(
      (c) =>
        `${c.kind}/${c.name}: server ${c.server.ok ? "accepts" : "refuses"}, loader ${c.loaded.problems.length === 0 ? "accepts" : "refuses"}`,
    );
    const expected = cases.map(
      (c) =>
        `${c.kind}/${c.name}: server ${c.kind === "refused" ? "refuses" : "accepts"}, loader ${c.kind === "accepted" ? "accepts" : "refuses"}`,
    );
    expect(verdicts).toEqual(expected);
  });

  it("a refused file's problem names the file and the offending field's line", () => {
    const located = cases
      .filter((c) => c.kind !== "accepted")
      .map((c) => `${c.kind}/${c.name}: ${c.loaded.problems.map((p) => `${p.file}:${p.line}`).join(", ")}`);
    const expected = cases
      .filter((c) => c.kind !== "accepted")
      .map((c) => `${c.kind}/${c.name}: ${NS}/${c.name}.yaml:${c.markedLine}`);
    expect(located).toEqual(expected);
    for (const c of cases.filter((x) => x.kind !== "accepted")) expect(c.loaded.policies, c.name).toEqual([]);
  });

  it("an accepted file reads to the value the server stored (YAML 1.1 numbers and keys included)", () => {
    for (const c of cases.filter((x) => x.kind === "accepted" && x.server.ok)) {
      const stored = c.server.ok ? normalizerFor(defaultNormalizeOptions())(c.server.object) : undefined;
      const ours = c.loaded.policies[0];
      expect({ labels: ours?.labels, annotations: ours?.annotations, spec: ours?.spec }, c.name).toEqual({
        labels: stored?.labels,
        annotations: stored?.annotations,
        spec: stored?.spec,
      });
    }
  });

  it("the accepted corpus uses every field of the NetworkPolicy spec and the metadata people write", () => {
    const used = new Set<string>();
    const walk = (v: unknown, at: string) => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, at));
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          const here = at ? `${at}.${k}` : k;
          used.add(here);
          if (!["matchLabels", "labels", "annotations"].includes(k)) walk(x, here); // their keys are data
        }
    };
    for (const c of cases.filter((x) => x.kind === "accepted" && x.server.ok))
      walk(c.server.ok ? c.server.object : {}, "");
    const wanted = fieldPaths().filter(
      (p) =>
        p.startsWith("spec") ||
        ["metadata.name", "metadata.labels", "metadata.annotations", "metadata.finalizers"].includes(p),
    );
    expect(wanted.filter((p) => !used.has(p))).toEqual([]);
  });
});
