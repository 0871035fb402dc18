import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, expect } from "vitest";
import { ConfigError } from "../../src/config/index.js";
import { tempDir } from "./git-server.js";

// Shared by the configuration tests: the smallest valid environment, config files in temp folders, and
// "this must fail with a ConfigError".

export const base = { NETPOL_DRIFT_CLUSTER: "prod-eu", NETPOL_DRIFT_REPO: "https://git.example.com/ops/policies.git" };

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

/** A config file holding `text`, removed after the test. */
export async function file(text: string): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  const f = path.join(dir, "netpol-drift.yaml");
  await writeFile(f, text);
  return f;
}

export async function failure(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}
