import { execFile, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type { EnvtestInfo } from "../global-setup.js";
import { variantOfAdmin } from "./kubeconfig.js";

const exec = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ExtraApiserver {
  process: ChildProcess;
  kubeconfig: string;
  stop(): void;
}

/**
 * A second, expendable kube-apiserver on the shared etcd and PKI: tests may kill it or start it with other
 * flags (e.g. no watch cache) without disturbing the shared one.
 */
export async function startExtraApiserver(env: EnvtestInfo, extraArgs: string[] = []): Promise<ExtraApiserver> {
  const port = await freePort();
  const child = spawn(
    path.join(env.bin, "kube-apiserver"),
    [
      `--etcd-servers=http://127.0.0.1:${env.etcdPort}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      "--advertise-address=127.0.0.1",
      "--endpoint-reconciler-type=none",
      `--tls-cert-file=${env.dir}/pki/apiserver.crt`,
      `--tls-private-key-file=${env.dir}/pki/apiserver.key`,
      `--cert-dir=${env.dir}/pki`,
      `--client-ca-file=${env.dir}/pki/ca.crt`,
      "--authorization-mode=RBAC",
      `--service-account-issuer=${env.apiUrl}`,
      `--service-account-key-file=${env.dir}/pki/sa.pub`,
      `--service-account-signing-key-file=${env.dir}/pki/sa.key`,
      "--service-cluster-ip-range=10.0.0.0/24",
      "--disable-admission-plugins=ServiceAccount",
      "--profiling=false",
      ...extraArgs,
    ],
    { stdio: "ignore" },
  );
  const kubeconfig = await variantOfAdmin(env.adminKubeconfig, { server: `https://127.0.0.1:${port}` });
  for (let i = 0; i < 480; i++) {
    if (child.exitCode !== null) throw new Error(`the extra kube-apiserver exited with ${child.exitCode}`);
    try {
      await exec(path.join(env.bin, "kubectl"), ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz"], {
        timeout: 5000,
      });
      return { process: child, kubeconfig, stop: () => child.kill("SIGKILL") };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  child.kill("SIGKILL");
  throw new Error("the extra kube-apiserver did not become ready");
}

/** Compact etcd at its current revision (physically), so every older resourceVersion is gone. */
export async function compactEtcd(env: EnvtestInfo): Promise<void> {
  const base = `http://127.0.0.1:${env.etcdPort}/v3`;
  const header = (await (
    await fetch(`${base}/kv/range`, { method: "POST", body: JSON.stringify({ key: "AA==" }) })
  ).json()) as { header: { revision: string } };
  const res = await fetch(`${base}/kv/compaction`, {
    method: "POST",
    body: JSON.stringify({ revision: header.header.revision, physical: true }),
  });
  if (!res.ok) throw new Error(`etcd compaction failed: HTTP ${res.status}`);
}
