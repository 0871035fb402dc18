import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPretty } from "../../../src/log/logger.js";

// pino-pretty is optional (the container image leaves it out): a terminal gets it when it is installed,
// and JSON logs when it is not, never a crash.
describe("loadPretty", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("loads the installed pino-pretty", () => {
    const pretty = loadPretty();
    expect(typeof pretty).toBe("function");
  });

  it("gives undefined where pino-pretty is not installed (resolution from a folder without it)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "netpol-drift-nopretty-"));
    dirs.push(dir);
    await writeFile(path.join(dir, "index.js"), "");
    expect(loadPretty(createRequire(path.join(dir, "index.js")))).toBeUndefined();
  });

  it("does not hide a pino-pretty that is there but broken", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "netpol-drift-badpretty-"));
    dirs.push(dir);
    await mkdir(path.join(dir, "node_modules/pino-pretty"), { recursive: true });
    await writeFile(
      path.join(dir, "node_modules/pino-pretty/package.json"),
      JSON.stringify({ name: "pino-pretty", main: "index.js" }),
    );
    await writeFile(path.join(dir, "node_modules/pino-pretty/index.js"), "throw new SyntaxError('broken install');");
    expect(() => loadPretty(createRequire(path.join(dir, "index.js")))).toThrow(/broken install/);
  });
});
