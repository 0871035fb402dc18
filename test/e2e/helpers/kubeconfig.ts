import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";

/** A kubeconfig for a bearer token (or none), the way a ServiceAccount user would have one. */
export async function tokenKubeconfig(opts: {
  server: string;
  caFile: string;
  token?: string;
  name?: string;
}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-kc-"));
  const file = path.join(dir, `${opts.name ?? "user"}.kubeconfig`);
  const ca = Buffer.from(await readFile(opts.caFile)).toString("base64");
  await writeFile(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "envtest", cluster: { server: opts.server, "certificate-authority-data": ca } }],
      users: [{ name: "u", user: opts.token ? { token: opts.token } : {} }],
      contexts: [{ name: "ctx", context: { cluster: "envtest", user: "u" } }],
      "current-context": "ctx",
    }),
  );
  return file;
}

/** The admin kubeconfig with another server URL and/or CA — for the fault tests. */
export async function variantOfAdmin(
  adminKubeconfig: string,
  change: { server?: string; caPem?: string },
): Promise<string> {
  let text = await readFile(adminKubeconfig, "utf8");
  if (change.server) text = text.replace(/server: .*/, `server: ${change.server}`);
  if (change.caPem)
    text = text.replace(
      /certificate-authority-data: .*/,
      `certificate-authority-data: ${Buffer.from(change.caPem).toString("base64")}`,
    );
  const dir = await mkdtemp(path.join(os.tmpdir(), "netpol-drift-kc-"));
  const file = path.join(dir, "variant.kubeconfig");
  await writeFile(file, text);
  return file;
}
