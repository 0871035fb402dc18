#!/usr/bin/env node
// Every scale benchmark in one run (issue 10). For each case: wall time, peak RSS of the child process,
// report size, and the growth t(2N)/t(N). Asserts nothing; it prints the targets next to the numbers.
//
//   npm run bench            (= npm run build && node bench/all.mjs)
//   node bench/all.mjs [--cases live,first-run,in-sync,run] [--runs 3] [--in-sync-policies 10000,25000,50000]
//                      [--run-namespaces 500,1000] [--baseline OTHER/bin/netpol-drift.js]   (before/after)
//
//   1 live        10,000 policies / 1,000 namespaces on a real kube-apiserver: report vs kubectl (≤ 1.3×)
//   2 first-run   bench/first-run.mjs --json (500 and 1,000 namespaces, none in git)
//   3 in-sync     report --desired DIR --live-file CAPTURE at 10,000, 25,000 and 50,000 policies (≤ 10 s, ≤ 450 MB;
//                 growth t(2N)/t(N) from 25,000 to 50,000, ≤ 2.3×)
//   4 run         clone a bare repo over file://, detect, record, push; first-run layout, 1,000 namespaces
//   5 first-night (opt-in: --cases first-night) `run` on 50,000 policies in 1,000 namespaces, none in git, 50
//                 distinct policies per namespace with cross-namespace rules and ipBlocks, under the run
//                 CronJob's heap cap (--heap MB, default 512 as in jobs/cronjob.yaml); takes a few minutes
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeFirstRunCapture, writeInSync } from "./lib-fixtures.mjs";
import { liveVsKubectl } from "./lib-live.mjs";
import { fmt, repeat, ROOT, runProduct } from "./lib-measure.mjs";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "live,first-run,in-sync,run" },
    runs: { type: "string", default: "3" },
    "run-namespaces": { type: "string", default: "500,1000" },
    "in-sync-policies": { type: "string", default: "10000,25000,50000" },
    baseline: { type: "string" },
    heap: { type: "string", default: "512" },
  },
});
const CASES = new Set(values.cases.split(","));
const RUNS = Number(values.runs);
const out = (line = "") => console.log(line);
const growth = (a, b) => (b.ms / a.ms).toFixed(2);
const results5 = [];

out(
  `netpol-drift bench — node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`,
);

if (CASES.has("live")) {
  out(
    "\n1. live: report vs `kubectl get netpol -A -o json`, real kube-apiserver, 1,000 namespaces (target ≤ 1.3× at 10,000)",
  );
  const results = await liveVsKubectl({
    steps: [5000, 10000],
    namespaces: 1000,
    runs: RUNS,
    baselineBin: values.baseline,
    log: (m) => process.stderr.write(`  … ${m}\n`),
  });
  for (const r of results) {
    out(
      `   ${String(r.policies).padStart(6)} policies: kubectl ${fmt.s(r.kubectl.ms)} (${fmt.mb(r.kubectl.rssMB)}, ${fmt.size(r.kubectl.stdoutBytes)}) · report ${fmt.s(r.report.ms)} (CPU ${fmt.s(r.report.cpuMs)}, ${fmt.mb(r.report.rssMB)}, report ${fmt.size(r.report.stdoutBytes)}, exit ${r.report.code}, ${r.seen.live} live / ${r.seen.inSync} in sync) · ratio ${(r.report.ms / r.kubectl.ms).toFixed(2)}×`,
    );
    if (r.baseline)
      out(
        `   ${"".padStart(6)} baseline: report ${fmt.s(r.baseline.ms)} (${fmt.mb(r.baseline.rssMB)}) · ratio ${(r.baseline.ms / r.kubectl.ms).toFixed(2)}×`,
      );
  }
  if (results.length === 2)
    out(
      `   growth t(10,000)/t(5,000): report ${growth(results[0].report, results[1].report)}, kubectl ${growth(results[0].kubectl, results[1].kubectl)}`,
    );
}

if (CASES.has("first-run")) {
  out(
    "\n2. first run (helper bench/first-run.mjs): 500 and 1,000 namespaces, none in git (target ≤ 10 s, ≤ 300 MB, growth ≤ 2.3×)",
  );
  const script = path.join(ROOT, "bench/first-run.mjs");
  if (!existsSync(script)) out("   bench/first-run.mjs not present: skipped");
  else {
    const r = spawnSync(process.execPath, [script, "--json"], { encoding: "utf8", maxBuffer: 1 << 26 });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch {
      out(`   first-run.mjs exited ${r.status} without a JSON line: ${(r.stderr || line).slice(-400)}`);
    }
    for (const x of parsed?.results ?? [])
      out(
        `   ${String(x.namespaces).padStart(6)} namespaces: ${fmt.s(x.wallMs)}, peak RSS ${fmt.mb(x.peakRssMB)}, report ${fmt.size(x.reportBytes)}, exit ${x.exit}`,
      );
    for (const g of parsed?.growth ?? []) out(`   growth t(${g.to})/t(${g.from}) = ${g.ratio}`);
  }
}

const scratch = mkdtempSync(path.join(os.tmpdir(), "netpol-drift-bench-all-"));
try {
  if (CASES.has("in-sync")) {
    out(
      "\n3. in sync, offline: report --desired DIR --live-file CAPTURE -o json, 1,000 namespaces (target 50,000 in ≤ 10 s, ≤ 450 MB, growth ≤ 2.3×)",
    );
    const results = [];
    for (const n of values["in-sync-policies"].split(",").map(Number)) {
      const { desired, live } = writeInSync(path.join(scratch, `in-sync-${n}`), n, 1000);
      // The median of RUNS at every size: this machine's speed drifts by a fifth within minutes, and one run
      // of the largest case says more about the minute than about the build.
      const r = await repeat(RUNS, () =>
        runProduct(["report", "--desired", desired, "--live-file", live, "-o", "json"]),
      );
      results.push({ ...r, policies: n });
      const spread = r.runs > 1 ? ` (median of ${r.runs}: ${fmt.s(r.spread[0])}–${fmt.s(r.spread[1])})` : "";
      out(
        `   ${String(n).padStart(6)} policies (capture ${fmt.size(statSync(live).size)}): ${fmt.s(r.ms)}${spread} (CPU ${fmt.s(r.cpuMs)}), peak RSS ${fmt.mb(r.rssMB)}, report ${fmt.size(r.stdoutBytes)}, exit ${r.code}${r.code !== 0 ? ` — ${r.stderr.trim().split("\n").pop()}` : ""}`,
      );
      if (values.baseline) {
        const b = await repeat(RUNS, () =>
          runProduct(["report", "--desired", desired, "--live-file", live, "-o", "json"], { bin: values.baseline }),
        );
        out(
          `   ${"".padStart(6)} baseline ${values.baseline}: ${fmt.s(b.ms)}, peak RSS ${fmt.mb(b.rssMB)}, exit ${b.code}`,
        );
      }
      rmSync(path.join(scratch, `in-sync-${n}`), { recursive: true, force: true });
    }
    // t(2N)/t(N) for every size whose double was run too (25,000 → 50,000 by default); 2.0 is linear.
    for (const a of results)
      for (const b of results)
        if (b.policies === 2 * a.policies)
          out(`   growth t(${b.policies})/t(${a.policies}) = ${growth(a, b)} (target ≤ 2.3×; linear is 2.0)`);
  }

  if (CASES.has("run")) {
    out(
      "\n4. run: clone over file://, detect, record, push; first-run layout at 1,000 namespaces (target under the run CronJob's 768Mi limit, record files ≤ 1 MB)",
    );
    const results = [];
    for (const n of values["run-namespaces"].split(",").map(Number)) {
      const r = await benchRun(path.join(scratch, `run-${n}`), n);
      results.push(r);
      out(
        `   ${String(n).padStart(6)} namespaces: ${fmt.s(r.ms)} (CPU ${fmt.s(r.cpuMs)}), peak RSS ${fmt.mb(r.rssMB)}, exit ${r.code}; committed ${r.files.map((f) => `${path.posix.basename(f.path)} ${fmt.size(f.bytes)}`).join(", ") || "nothing"}${r.code !== 0 ? ` — ${r.stderr.trim().split("\n").pop()}` : ""}`,
      );
    }
    if (results.length === 2) out(`   growth t(2nd)/t(1st) = ${growth(results[0], results[1])}`);
  }

  if (CASES.has("first-night")) {
    out(
      `\n5. first night at scale: run, 50,000 policies / 1,000 namespaces, none in git, heap cap ${values.heap} MB (target: completes, record files ≤ 1 MB)`,
    );
    for (const [policies, namespaces] of [
      [25000, 500],
      [50000, 1000],
    ]) {
      const dir = path.join(scratch, `night-${policies}`);
      const { live } = writeInSync(path.join(dir, "fixture"), policies, namespaces);
      const r = await benchRun(path.join(dir, "run"), namespaces, {
        capture: live,
        env: { NODE_OPTIONS: `--max-old-space-size=${values.heap}` },
      });
      rmSync(dir, { recursive: true, force: true });
      results5.push(r);
      out(
        `   ${String(policies).padStart(6)} policies: ${fmt.s(r.ms)} (CPU ${fmt.s(r.cpuMs)}), peak RSS ${fmt.mb(r.rssMB)}, exit ${r.code}; committed ${r.files.map((f) => `${path.posix.basename(f.path)} ${fmt.size(f.bytes)}`).join(", ") || "nothing"}${r.code !== 0 ? ` — ${r.stderr.trim().split("\n").pop()}` : ""}`,
      );
    }
    if (results5.length === 2) out(`   growth t(2N)/t(N) = ${growth(results5[0], results5[1])}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** A policy repo with an empty desired folder in a bare repo; `run` with a capture; what the push committed. */
async function benchRun(dir, namespaces, { capture: given, env = {} } = {}) {
  const git = (cwd, ...args) =>
    execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const seed = path.join(dir, "seed");
  const bare = path.join(dir, "policies.git");
  mkdirSync(path.join(seed, "policies"), { recursive: true });
  writeFileSync(path.join(seed, "policies", "README.md"), "Desired NetworkPolicies, one folder per namespace.\n");
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  git(seed, "init", "-q", "-b", "main");
  git(seed, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "add", "-A");
  git(seed, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "seed");
  git(seed, "push", "-q", bare, "main");
  const before = git(bare, "rev-parse", "main");
  const capture = given ?? writeFirstRunCapture(path.join(dir, "live.json"), namespaces);
  mkdirSync(path.join(dir, "work"));
  const r = await runProduct(["run", "--live-file", capture], {
    env: {
      NETPOL_DRIFT_CLUSTER: "bench",
      NETPOL_DRIFT_REPO: `file://${bare}`,
      NETPOL_DRIFT_BRANCH: "main",
      NETPOL_DRIFT_DESIRED_PATH: "policies",
      NETPOL_DRIFT_PUSH: "direct",
      NETPOL_DRIFT_FORGE: "none",
      NETPOL_DRIFT_NOTIFY: "never",
      NETPOL_DRIFT_WORKDIR: path.join(dir, "work"),
      NETPOL_DRIFT_AUTHOR_NAME: "bench",
      NETPOL_DRIFT_AUTHOR_EMAIL: "bench@example.invalid",
      ...env,
    },
  });
  const after = git(bare, "rev-parse", "main");
  const changed = after === before ? [] : git(bare, "diff", "--name-only", before, after).split("\n").filter(Boolean);
  const files = changed.map((p) => ({ path: p, bytes: Number(git(bare, "cat-file", "-s", `${after}:${p}`)) }));
  rmSync(dir, { recursive: true, force: true });
  return { ...r, files };
}
