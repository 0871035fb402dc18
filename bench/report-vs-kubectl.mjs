#!/usr/bin/env node
// Benchmark: `netpol-drift report` against a real kube-apiserver vs `kubectl get netpol -A -o json` on the
// same machine, same cluster, same run. Prints medians and the ratio; asserts nothing.
//
//   npm run build && node bench/report-vs-kubectl.mjs [--policies 3000] [--namespaces 60] [--runs 7]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { policies: { type: "string", default: "3000" }, namespaces: { type: "string", default: "60" }, runs: { type: "string", default: "7" } } });
const POLICIES = Number(values.policies), NAMESPACES = Number(values.namespaces), RUNS = Number(values.runs);

const work = execFileSync("bash", [path.join(ROOT, "scripts/envtest-up.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop();
const env = Object.fromEntries(readFileSync(path.join(work, "env"), "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
const kubectl = path.join(env.ENVTEST_BIN, "kubectl");
const kc = env.KUBECONFIG_ADMIN;
try {
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
  const policy = (ns, i) => ({
    apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
    metadata: { name: `p-${i}`, namespace: ns, labels: { app: `a${i % 7}`, tenant: ns } },
    spec: {
      podSelector: { matchLabels: { app: `a${i % 7}` } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { tenant: ns } }, podSelector: { matchLabels: { role: "client" } } }], ports: [{ port: 8000 + (i % 100) }, { port: 9000, protocol: "UDP" }] }],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 443 }] }],
    },
  });
  execFileSync(kubectl, ["--kubeconfig", kc, "create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: namespaces.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })) }), stdio: ["pipe", "ignore", "inherit"] });
  const desired = mkdtempSync(path.join(os.tmpdir(), "netpol-drift-bench-"));
  const items = [];
  for (let i = 0; i < POLICIES; i++) items.push(policy(namespaces[i % NAMESPACES], i));
  for (let c = 0; c < items.length; c += 500) {
    execFileSync(kubectl, ["--kubeconfig", kc, "create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: items.slice(c, c + 500) }), stdio: ["pipe", "ignore", "inherit"], maxBuffer: 1 << 28 });
  }
  for (const ns of namespaces) {
    mkdirSync(path.join(desired, ns));
    writeFileSync(path.join(desired, ns, "policies.yaml"), items.filter((p) => p.metadata.namespace === ns).map((p) => stringify(p)).join("---\n"));
  }

  const time = (cmd, args) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28, env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "warn" } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cases = {
    "kubectl get netpol -A -o json": () => time(kubectl, ["--kubeconfig", kc, "get", "netpol", "-A", "-o", "json"]),
    "netpol-drift report (list + load + compare)": () => time(process.execPath, [path.join(ROOT, "bin/netpol-drift.js"), "report", "--desired", desired, "--kubeconfig", kc, "-o", "json"]),
  };
  const results = {};
  for (const name of Object.keys(cases)) cases[name](); // warm-up (page cache, apiserver watch cache)
  for (let r = 0; r < RUNS; r++) for (const [name, fn] of Object.entries(cases)) (results[name] ??= []).push(fn());
  const base = median(results["kubectl get netpol -A -o json"]);
  console.log(`${POLICIES} policies in ${NAMESPACES} namespaces, ${RUNS} runs each, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  for (const [name, xs] of Object.entries(results)) {
    console.log(`${name.padEnd(46)} median ${median(xs).toFixed(0).padStart(6)} ms   min ${Math.min(...xs).toFixed(0).padStart(6)} ms   ratio ${(median(xs) / base).toFixed(2)}x`);
  }
} finally {
  execFileSync("bash", [path.join(ROOT, "scripts/envtest-down.sh"), work], { stdio: "inherit" });
}
