// Fixtures for the nightly run: the repo's desired/ folder placed where a policy repo keeps it, and live
// captures (`kubectl get netpol -A -o json` shape) derived from it with chosen drift.

import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const DESIRED_FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../desired");
export const DESIRED_PATH = "ops/k8s/network-policies";

type Obj = Record<string, any>;

/** Every NetworkPolicy of the desired fixture, as the API server would return it (namespace filled in). */
export async function desiredObjects(dir = DESIRED_FIXTURE): Promise<Obj[]> {
  const out: Obj[] = [];
  for (const ns of (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const file of (await readdir(path.join(dir, ns))).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      for (const doc of parseAllDocuments(await readFile(path.join(dir, ns, file), "utf8"))) {
        const top = doc.toJS() as Obj | null;
        for (const obj of top?.kind === "List" ? (top.items as Obj[]) : top ? [top] : []) {
          if (obj.kind !== "NetworkPolicy") continue;
          obj.metadata = { ...obj.metadata, namespace: obj.metadata?.namespace ?? ns };
          out.push(obj);
        }
      }
    }
  }
  return out;
}

export type Mutation = (objects: Obj[]) => Obj[];

const find = (objects: Obj[], ns: string, name: string): Obj => {
  const o = objects.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
  if (!o) throw new Error(`fixture has no ${ns}/${name}`);
  return o;
};

const touchedBy = (o: Obj, manager: string, time: string): void => {
  o.metadata.managedFields = [
    { manager, operation: "Update", apiVersion: "networking.k8s.io/v1", time, fieldsType: "FieldsV1", fieldsV1: {} },
  ];
};

/** database/api-to-postgres opened to 5433 by hand, tenant-acme/mcp-egress deleted. */
export const driftA: Mutation = (objects) => {
  const pg = find(objects, "database", "api-to-postgres");
  pg.spec.ingress[0].ports[0].port = 5433;
  touchedBy(pg, "kubectl-edit", "2025-06-01T01:00:00Z");
  return objects.filter((o) => !(o.metadata.namespace === "tenant-acme" && o.metadata.name === "mcp-egress"));
};

/** database/api-to-postgres opened to 5433 by hand; nothing else drifts. */
export const pgOpened: Mutation = (objects) => {
  find(objects, "database", "api-to-postgres").spec.ingress[0].ports[0].port = 5433;
  return objects;
};

/** driftA plus an unmanaged allow-all in retrieval. */
export const driftB: Mutation = (objects) => {
  const out = driftA(objects);
  const extra: Obj = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "debug-allow-all", namespace: "retrieval" },
    spec: { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] },
  };
  touchedBy(extra, "kubectl-client-side-apply", "2025-06-02T01:00:00Z");
  return [...out, extra];
};

/** Same drift as driftA, but the live objects were touched again later (managedFields time moved). */
export const driftATouchedAgain: Mutation = (objects) => {
  const out = driftA(objects);
  touchedBy(find(out, "database", "api-to-postgres"), "kubectl-edit", "2025-06-03T05:00:00Z");
  return out;
};

export const inSync: Mutation = (objects) => objects;

/** Write a capture with `mutation` applied; returns its path. */
export async function writeLive(dir: string, name: string, mutation: Mutation): Promise<string> {
  const items = mutation(await desiredObjects());
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 2));
  return file;
}
