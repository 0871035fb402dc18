import { describe, expect, it } from "vitest";
import { type Json, serverPolicy } from "../../fixtures/server-shaped.js";
import { bothPaths } from "./both-paths.js";
import {
  API,
  at,
  captureOf,
  DB,
  DENY,
  desiredFiles,
  editedBy,
  metaOf,
  served,
  specOf,
  WEB,
  type WorldPolicy,
} from "./capture-world.js";

// Seeded random worlds: a desired folder of 40 policies and a capture of it with a few random changes, some
// that are drift and some that normalise away, under random comparison flags. The report from the capture
// file (scanned, in-sync policies taken from the desired side) must be the report from the same bytes on
// stdin (the ordinary reader), whatever the mix.

/** A linear congruential generator: plenty for picking changes, the same worlds on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

const TEMPLATES = [WEB, DB, API, DENY];

function worldOf(n: number): WorldPolicy[] {
  return Array.from({ length: n }, (_, i) => {
    const t = TEMPLATES[i % TEMPLATES.length] as WorldPolicy;
    return { ...structuredClone(t), namespace: `ns-${i % 5}`, name: `p-${i}` };
  });
}

const labels = (o: Json) => {
  const meta = metaOf(o);
  meta.labels ??= {};
  return meta.labels as Json;
};
const annotations = (o: Json) => {
  const meta = metaOf(o);
  meta.annotations ??= {};
  return meta.annotations as Json;
};
const firstRule = (o: Json, dir: "ingress" | "egress") => (specOf(o)[dir] as Json[] | undefined)?.[0];

/** One change a writer could make to a served object; most are drift, some normalise away. */
const CHANGES: ((o: Json, r: () => number) => void)[] = [
  (o) => (labels(o).team = "someone-else"),
  (o) => (labels(o).added = "1"),
  (o) => (metaOf(o).labels = undefined),
  (o) => (labels(o)["app.kubernetes.io/managed-by"] = "helm"), // ignored by default
  (o) => (annotations(o).note = "changed"), // compared only with --compare-annotation
  (o) => (annotations(o)["kubectl.kubernetes.io/last-applied-configuration"] = "{}"), // never compared
  (o) => {
    const rule = firstRule(o, "ingress");
    if (rule?.ports) (at(rule, "ports", 0) as Json).port = 9999;
  },
  (o) => {
    const rule = firstRule(o, "ingress");
    if (rule?.ports) (at(rule, "ports", 0) as Json).port = String((at(rule, "ports", 0) as Json).port);
  },
  (o) => {
    const rule = firstRule(o, "egress");
    if (rule?.ports) (rule.ports as Json[]).reverse(); // a set: no change
  },
  (o) => {
    const ingress = specOf(o).ingress as Json[] | undefined;
    ingress?.reverse(); // a set: no change
  },
  (o) => (specOf(o).policyTypes = [...(specOf(o).policyTypes as string[])].reverse()), // a set: no change
  (o) => (specOf(o).policyTypes = ["Ingress"]),
  (o) => (specOf(o).ingress = []),
  (o) => (specOf(o).ingress = [{}]),
  (o) => (metaOf(o).managedFields = []),
  (o, r) => {
    (specOf(o).podSelector as Json).matchLabels = { app: r() < 0.5 ? "web" : "other" };
    editedBy(o, "kubectl-edit", { "f:spec": { "f:podSelector": {} } });
  },
];

const FLAGS: string[][] = [
  ["--compare-annotation", "note"],
  ["--ignore-label", "team"],
  ["--no-default-ignore-labels"],
  ["-A"],
  ["-n", "ns-1", "-n", "ns-3"],
  ["--exclude-namespace", "ns-2"],
];

/** The changes that normalise away under the default flags (a clean world may have them all). */
const NO_DRIFT = [3, 4, 5, 8, 9, 10];

async function randomCase(seed: number) {
  const r = prng(seed);
  // Every fourth world only changes what is not compared: the report must be a clean one on both paths.
  const clean = seed % 4 === 0;
  const policies = worldOf(40);
  const desired = desiredFiles(policies.filter(() => clean || r() > 0.05)); // some live-only: unmanaged
  const items: Json[] = [];
  for (const p of policies) {
    if (!clean && r() < 0.05) continue; // missing
    const obj = served(p);
    const pick = clean ? NO_DRIFT[Math.floor(r() * NO_DRIFT.length)] : Math.floor(r() * CHANGES.length);
    if (r() < 0.25) (CHANGES[pick as number] as (o: Json, r: () => number) => void)(obj, r);
    items.push(obj);
  }
  if (!clean && r() < 0.5) items.push(serverPolicy("ns-9", "stray", { podSelector: {}, policyTypes: ["Ingress"] }));
  const args = clean ? ["-A"] : FLAGS.filter(() => r() < 0.3).flat();
  const setup = { desired, capture: captureOf(items), args };
  const { file: fromFile, stdin: fromStdin } = await bothPaths(setup, "json");
  return { fromFile, fromStdin, args };
}

describe("report: random worlds read from the capture file and from stdin", () => {
  it("prints the same report for 32 seeded worlds, drifted or clean", async () => {
    const codes = new Set<number>();
    for (let seed = 1; seed <= 32; seed++) {
      const { fromFile, fromStdin, args } = await randomCase(seed);
      codes.add(fromStdin.code);
      if (seed % 4 === 0) expect(fromStdin.code, `seed ${seed}: a clean world`).toBe(0);
      expect(fromFile.code, `seed ${seed} ${args.join(" ")}`).toBe(fromStdin.code);
      expect(fromFile.stdout, `seed ${seed} ${args.join(" ")}`).toBe(fromStdin.stdout);
      expect(fromFile, `seed ${seed}: stderr and logs`).toEqual(fromStdin);
    }
    // Not vacuous: the worlds reach both verdicts.
    expect([...codes].sort()).toEqual([0, 1]);
  }, 120_000);
});
