#!/usr/bin/env node
// Benchmark: the first run where app teams own their policies (none of them in git yet). Each namespace has
// `default-deny` (egress only to kube-dns), `allow-ingress-nginx` and `allow-same-ns`, listed with the fields
// the API server adds (uid, resourceVersion, managedFields, last-applied-configuration). Offline: the product
// binary runs `report --desired <empty dir> --live-file <capture> -o json` in a child process, so the numbers
// are the ones a user gets. Prints wall time, peak RSS (the child's maxRSS), report size and the growth
// t(2N)/t(N); asserts nothing. CPU time (user+system of the child) is printed beside wall time: on a shared
// machine it is the steadier of the two.
//
//   npm run build && node bench/first-run.mjs [--namespaces 500,1000] [--runs 1] [--json]
//
// --json prints one JSON line with the results instead of the table (for bench/all.mjs and CI logs).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { firstRunPolicies } from "./lib-fixtures.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "bin/netpol-drift.js");
const { values } = parseArgs({
  options: {
    namespaces: { type: "string", default: "500,1000" },
    runs: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
    analysis: { type: "string" },
  },
});
const SIZES = values.namespaces.split(",").map(Number);
const RUNS = Number(values.runs);

let uid = 0;
function serverFields(obj, i) {
  const applied = JSON.stringify({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
    spec: obj.spec,
  });
  obj.metadata = {
    ...obj.metadata,
    uid: `00000000-0000-4000-8000-${String(++uid).padStart(12, "0")}`,
    resourceVersion: String(100000 + i),
    generation: 1,
    creationTimestamp: "2025-01-01T00:00:00Z",
    annotations: { "kubectl.kubernetes.io/last-applied-configuration": `${applied}\n` },
    managedFields: [
      {
        manager: "kubectl-client-side-apply",
        operation: "Update",
        apiVersion: "networking.k8s.io/v1",
        time: "2025-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} } },
          "f:spec": { "f:podSelector": {}, "f:policyTypes": {}, "f:ingress": {}, "f:egress": {} },
        },
      },
    ],
  };
  return obj;
}

function capture(namespaces) {
  const items = [];
  for (let i = 0; i < namespaces; i++) items.push(...firstRunPolicies(`team-${String(i).padStart(4, "0")}`));
  items.forEach((o, i) => serverFields(o, i));
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items };
}

/** One child run: wall time, peak RSS from the child's own resource usage, report size. */
function runReport(wrapper, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [wrapper, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "silent" },
    });
    let bytes = 0;
    let stderr = "";
    child.stdout.on("data", (d) => (bytes += d.length));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /MAXRSS_KB (\d+) CPU_US (\d+)/.exec(stderr);
      resolve({
        code,
        signal,
        ms,
        cpuMs: m ? Number(m[2]) / 1000 : NaN,
        rssMB: m ? Number(m[1]) / 1024 : NaN,
        reportBytes: bytes,
        stderr: stderr.replace(/\nMAXRSS_KB \d+ CPU_US \d+\n/, "").slice(-400),
      });
    });
  });
}

const work = mkdtempSync(path.join(os.tmpdir(), "netpol-first-run-"));
const results = [];
try {
  const desired = path.join(work, "desired");
  mkdirSync(desired);
  // The child runs the real binary behind a wrapper that prints its maxRSS on exit, whatever the exit code.
  const wrapper = path.join(work, "wrapper.mjs");
  writeFileSync(
    wrapper,
    `process.on("exit", () => { const u = process.resourceUsage(); process.stderr.write("\\nMAXRSS_KB " + u.maxRSS + " CPU_US " + (u.userCPUTime + u.systemCPUTime) + "\\n"); });\nawait import(${JSON.stringify(BIN)});\n`,
  );
  for (const n of SIZES) {
    const file = path.join(work, `capture-${n}.json`);
    writeFileSync(file, JSON.stringify(capture(n)));
    const args = [
      "report",
      "--desired",
      desired,
      "--live-file",
      file,
      "-o",
      "json",
      ...(values.analysis ? ["--analysis", values.analysis] : []),
    ];
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await runReport(wrapper, args));
    runs.sort((a, b) => a.ms - b.ms);
    const mid = runs[Math.floor(runs.length / 2)];
    results.push({
      namespaces: n,
      policies: 3 * n,
      captureBytes: statSync(file).size,
      exit: mid.code,
      signal: mid.signal,
      wallMs: Math.round(mid.ms),
      cpuMs: Math.round(mid.cpuMs),
      peakRssMB: Math.round(Math.max(...runs.map((x) => x.rssMB))),
      reportBytes: mid.reportBytes,
      ...(mid.code !== 1 ? { stderr: mid.stderr } : {}),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const growth = [];
for (let i = 1; i < results.length; i++)
  growth.push({
    from: results[i - 1].namespaces,
    to: results[i].namespaces,
    ratio: Number((results[i].wallMs / results[i - 1].wallMs).toFixed(2)),
    cpuRatio: Number((results[i].cpuMs / results[i - 1].cpuMs).toFixed(2)),
  });
if (values.json) {
  console.log(JSON.stringify({ bench: "first-run", node: process.version, results, growth }));
} else {
  console.log("first run (report --desired <empty> --live-file <capture> -o json), median of", RUNS);
  for (const r of results) {
    console.log(
      `  ${String(r.namespaces).padStart(5)} namespaces / ${r.policies} policies: ${(r.wallMs / 1000).toFixed(2)} s (cpu ${(r.cpuMs / 1000).toFixed(2)} s), peak RSS ${r.peakRssMB} MB, report ${(r.reportBytes / 1e6).toFixed(2)} MB, exit ${r.exit}${r.signal ? ` (${r.signal})` : ""}`,
    );
    if (r.stderr) console.log(`    stderr: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  for (const g of growth) console.log(`  growth t(${g.to})/t(${g.from}) = ${g.ratio} (cpu ${g.cpuRatio})`);
  console.log("  targets at 1,000: ≤ 10 s, ≤ 300 MB, growth ≤ 2.3×");
}
