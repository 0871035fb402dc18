import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../../src/model/version.js";
import { runCli } from "../../fixtures/cli-context.js";

describe("the version is written once", () => {
  it("is package.json's, and what --version and SARIF say", async () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../../package.json"), "utf8"));
    expect(VERSION).toBe(pkg.version);
    expect((await runCli(["--version"])).stdout).toBe(`netpol-drift ${pkg.version}\n`);
  });
});
