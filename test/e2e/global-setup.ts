import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

export interface EnvtestInfo {
  dir: string;
  apiUrl: string;
  caFile: string;
  adminKubeconfig: string;
  bin: string;
  apiPort: number;
  etcdPort: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    envtest: EnvtestInfo;
  }
}

let workDir: string | undefined;

/**
 * One real control plane (etcd + kube-apiserver) for the whole e2e run. A failure to build or start it
 * fails the run: the suite is never skipped.
 */
export async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  const { stdout } = await run("bash", [path.join(ROOT, "scripts/envtest-up.sh")], {
    cwd: ROOT,
    env: { ...process.env, NETPOL_DRIFT_ENVTEST_OWNER_PID: String(process.pid) },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60 * 1000, // a cold build of kube-apiserver on 2 cores takes a while
  }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`the test control plane did not start: ${err.message}\n${err.stderr ?? ""}`);
  });
  workDir = stdout.trim().split("\n").pop() as string;
  const env = Object.fromEntries(
    (await readFile(path.join(workDir, "env"), "utf8"))
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const info: EnvtestInfo = {
    dir: workDir,
    apiUrl: env.API_URL ?? `https://127.0.0.1:${env.API_PORT}`,
    caFile: env.CA_FILE ?? path.join(workDir, "pki/ca.crt"),
    adminKubeconfig: env.KUBECONFIG_ADMIN as string,
    bin: env.ENVTEST_BIN as string,
    apiPort: Number(env.API_PORT),
    etcdPort: Number(env.ETCD_PORT),
  };
  console.log(
    `[e2e] control plane up in ${((Date.now() - started) / 1000).toFixed(1)}s at ${info.apiUrl} (${workDir})`,
  );
  project.provide("envtest", info);
}

export async function teardown(): Promise<void> {
  if (workDir) await run("bash", [path.join(ROOT, "scripts/envtest-down.sh"), workDir], { cwd: ROOT });
}
