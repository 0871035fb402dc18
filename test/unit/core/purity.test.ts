// src/core is the pure middle of both pipelines: no node:* module in it, and no source, sink, worker or command
// anywhere it reaches through the stages it calls (a stage that did I/O would make core impure behind its back).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../../src");
const EDGES = ["sources", "sinks", "workers", "cli"];

function importsOf(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from "([^"]+)"/gms)].map((m) => m[1]!);
}

const CORE = readdirSync(path.join(SRC, "core"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => path.join(SRC, "core", f));

/** Every src file core reaches through relative imports, with what each imports. */
function reachable(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [...CORE];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    const specs = importsOf(file);
    seen.set(file, specs);
    for (const s of specs)
      if (s.startsWith(".")) queue.push(path.resolve(path.dirname(file), s.replace(/\.js$/, ".ts")));
  }
  return seen;
}

describe("src/core does no I/O", () => {
  it("core's own files import no node:* module", () => {
    const direct = CORE.flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith("node:"))
        .map((s) => `${f} → ${s}`),
    );
    expect(direct).toEqual([]);
  });

  it("nothing core reaches imports sources/, sinks/, workers/ or cli/", () => {
    const graph = reachable();
    const offending = [...graph].flatMap(([file, specs]) =>
      specs
        .filter((s) => s.startsWith("."))
        .filter((s) => EDGES.includes(path.relative(SRC, path.resolve(path.dirname(file), s)).split(path.sep)[0]!))
        .map((s) => `${path.relative(SRC, file)} → ${s}`),
    );
    expect(offending).toEqual([]);
    expect(graph.size).toBeGreaterThan(CORE.length + 10); // the walk follows the imports: not vacuous
  });
});

describe("the middle stages import nothing of node", () => {
  it("nothing core reaches imports a node:* module, but util/hash.ts (node:crypto's sha256)", () => {
    const offending = [...reachable()].flatMap(([file, specs]) =>
      specs.filter((s) => s.startsWith("node:")).map((s) => `${path.relative(SRC, file)} → ${s}`),
    );
    expect(offending).toEqual(["util/hash.ts → node:crypto"]);
  });
});
