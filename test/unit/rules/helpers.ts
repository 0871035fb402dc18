// Policies of one ingress rule whose port is the only thing a test varies: desired at 443, live at any port.
import { defaultNormalizeOptions, type NormalizedPolicy } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/index.js";
import { managedEntry, manifest, serverPolicy } from "../../fixtures/server-shaped.js";

const opts = defaultNormalizeOptions();
const spec = (port: number) => ({
  podSelector: {},
  policyTypes: ["Ingress"],
  ingress: [{ ports: [{ protocol: "TCP", port }] }],
});

export const desiredAt443 = (ns: string, name: string): NormalizedPolicy =>
  normalizePolicy(manifest(name, spec(443)), ns, { file: `${ns}/${name}.yaml`, line: 1 }, opts);

/** Live, last written by `manager`. */
export const liveAt = (ns: string, name: string, port = 443, manager = "kubectl-edit"): NormalizedPolicy =>
  normalizePolicy(
    serverPolicy(ns, name, spec(port), { managedFields: [managedEntry(manager, "Update", "2026-11-20T08:00:00Z")] }),
    ns,
    {},
    opts,
  );
