import { cp, mkdir, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { kubectl } from "./kubectl.js";

export function envtest() {
  const env = inject("envtest");
  return { env, k: kubectl(env) };
}

/** A desired folder holding `files` (a fixtures folder) under each of `namespaces`. */
export async function desiredFromFixtures(fixtureDir: string, namespaces: string[]): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-desired-"));
  for (const ns of namespaces) {
    await mkdir(path.join(root, ns));
    await cp(fixtureDir, path.join(root, ns), { recursive: true });
  }
  return root;
}

export function nsFlags(namespaces: string[]): string[] {
  return namespaces.flatMap((ns) => ["-n", ns]);
}
