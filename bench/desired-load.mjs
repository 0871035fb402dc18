#!/usr/bin/env node
// Benchmark: the desired-folder load of an in-sync `report --live-file` (issue 10). Generates N policy files
// (one per file, 10 per namespace) with a matching capture, then prints, per size, the wall time and peak
// RSS of the whole `report` process and, in a process of its own, the wall and CPU time of the desired
// load alone: the fast path vs the position-keeping parse every file used to take. Asserts nothing.
//
//   npm run build && node bench/desired-load.mjs [--sizes 10000,50000] [--runs 3]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,50000" },
    runs: { type: "string", default: "3" },
    child: { type: "string" },
    positions: { type: "boolean" },
  },
});
if (values.child) {
  // one load, measured in a fresh process: the generator's heap must not be the GC's problem
  const { loadDesiredWith } = await import(path.join(ROOT, "dist/sources/desired/index.js"));
  const { normalizerFor } = await import(path.join(ROOT, "dist/core/normalizer.js"));
  const { defaultNormalizeOptions } = await import(path.join(ROOT, "dist/model/types.js"));
  const cpu = process.cpuUsage();
  const t = performance.now();
  // each policy through the one normaliser as it is found, as the report reads the folder
  const s = await loadDesiredWith(values.child, normalizerFor(defaultNormalizeOptions()), {
    positions: values.positions === true,
  });
  const used = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      wall: performance.now() - t,
      cpu: (used.user + used.system) / 1000,
      policies: s.policies.length,
      problems: s.problems.length,
      rss: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}
const SIZES = values.sizes.split(",").map(Number);
const RUNS = Number(values.runs);

function policy(ns, i) {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `p-${i}`, labels: { app: `a${i % 7}`, tenant: ns } },
    spec: {
      podSelector: { matchLabels: { app: `a${i % 7}` } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { tenant: ns } }, podSelector: { matchLabels: { role: "client" } } },
          ],
          ports: [
            { port: 8000 + (i % 100), protocol: "TCP" },
            { port: 9000, protocol: "UDP" },
          ],
        },
      ],
      egress: [
        { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 443, protocol: "TCP" }] },
      ],
    },
  };
}

function generate(n) {
  const root = mkdtempSync(path.join(os.tmpdir(), "netpol-drift-bench-desired-"));
  const items = [];
  for (let i = 0; i < n; i++) {
    const ns = `ns-${Math.floor(i / 10)}`;
    if (i % 10 === 0) mkdirSync(path.join(root, "desired", ns), { recursive: true });
    const p = policy(ns, i);
    writeFileSync(path.join(root, "desired", ns, `p-${i}.yaml`), stringify(p));
    items.push({
      ...p,
      metadata: {
        ...p.metadata,
        namespace: ns,
        uid: `u-${i}`,
        resourceVersion: String(1000 + i),
        generation: 1,
        creationTimestamp: "2026-01-01T00:00:00Z",
        managedFields: [
          {
            manager: "kubectl-client-side-apply",
            operation: "Update",
            apiVersion: "networking.k8s.io/v1",
            time: "2026-01-01T00:00:00Z",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:spec": {} },
          },
        ],
      },
    });
  }
  writeFileSync(
    path.join(root, "live.json"),
    JSON.stringify({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items }),
  );
  return root;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const n of SIZES) {
  const root = generate(n);
  const wall = [],
    rss = [],
    fast = [],
    slow = [],
    fastCpu = [],
    slowCpu = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = spawnSync(
      "/usr/bin/time",
      [
        "-f",
        "%M",
        process.execPath,
        path.join(ROOT, "bin/netpol-drift.js"),
        "report",
        "--desired",
        path.join(root, "desired"),
        "--live-file",
        path.join(root, "live.json"),
        "-A",
        "-o",
        "json",
        "--out",
        path.join(root, "report.json"),
      ],
      { encoding: "utf8", env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "warn" } },
    );
    wall.push(performance.now() - t0);
    rss.push(Number(res.stderr.trim().split("\n").pop()) / 1024);
    if (res.status !== 0) console.error(`report exited ${res.status}: ${res.stderr.slice(0, 400)}`);
    for (const [mode, out, cpu] of [
      ["fast", fast, fastCpu],
      ["positions", slow, slowCpu],
    ]) {
      const child = spawnSync(
        process.execPath,
        [import.meta.filename, "--child", path.join(root, "desired"), ...(mode === "positions" ? ["--positions"] : [])],
        { encoding: "utf8" },
      );
      const m = JSON.parse(child.stdout);
      out.push(m.wall);
      cpu.push(m.cpu);
      if (m.policies !== n || m.problems > 0)
        console.error(`load ${mode}: ${m.policies} policies, ${m.problems} problems`);
    }
  }
  rows.push({
    policies: n,
    "report wall s": (median(wall) / 1000).toFixed(2),
    "report peak RSS MB": median(rss).toFixed(0),
    "load fast wall/cpu s": `${(median(fast) / 1000).toFixed(2)} / ${(median(fastCpu) / 1000).toFixed(2)}`,
    "load positions wall/cpu s": `${(median(slow) / 1000).toFixed(2)} / ${(median(slowCpu) / 1000).toFixed(2)}`,
  });
  rmSync(root, { recursive: true, force: true });
}
console.table(rows);
console.log(
  `load average while measuring: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} (${os.cpus().length} cores)`,
);
if (rows.length >= 2)
  console.log(
    `growth t(${SIZES[1]})/t(${SIZES[0]}) of the report: ${(Number(rows[1]["report wall s"]) / Number(rows[0]["report wall s"])).toFixed(2)}`,
  );
