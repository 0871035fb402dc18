import { mkdtemp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseAllDocuments, stringify } from "yaml";

/**
 * A copy of a desired folder with every namespace renamed `<prefix>-<ns>`, so each e2e file owns its
 * namespaces on the shared control plane (there is no namespace controller: namespaces cannot be deleted).
 * Returns the copy's root and the renamed namespaces.
 */
export async function prefixedCopy(src: string, prefix: string): Promise<{ root: string; namespaces: string[] }> {
  const root = await mkdtemp(path.join(os.tmpdir(), `netpol-drift-${prefix}-`));
  const namespaces: string[] = [];
  for (const entry of await readdir(src, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const ns = `${prefix}-${entry.name}`;
    namespaces.push(ns);
    await mkdir(path.join(root, ns));
    for (const file of await readdir(path.join(src, entry.name))) {
      if (!/\.ya?ml$/.test(file)) continue;
      const text = await readFile(path.join(src, entry.name, file), "utf8");
      await writeFile(path.join(root, ns, file), renameNamespaces(text, prefix));
    }
  }
  return { root, namespaces: namespaces.sort() };
}

function renameNamespaces(text: string, prefix: string): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  return docs
    .map((doc) => {
      const obj = doc.toJS() as Record<string, any> | null;
      if (!obj) return "";
      for (const item of Array.isArray(obj.items) ? obj.items : [obj]) {
        if (item?.metadata?.namespace) item.metadata.namespace = `${prefix}-${item.metadata.namespace}`;
      }
      return stringify(obj);
    })
    .filter(Boolean)
    .join("---\n");
}

/** `kubectl apply` (client-side, as a person would) of each namespace folder, creating the namespace first. */
export async function applyFolders(
  k: (args: string[], input?: string) => Promise<string>,
  root: string,
  namespaces: string[],
  extra: string[] = [],
): Promise<void> {
  for (const ns of namespaces) {
    await k(["create", "namespace", ns]).catch((e: Error) => {
      if (!/AlreadyExists/.test(e.message)) throw e;
    });
    await k(["apply", "-n", ns, "-f", path.join(root, ns), ...extra]);
  }
}
