// Runs one command as a child and measures it: wall time, the child's peak RSS, stdout size. Node children
// (the product binary) report their own maxRSS through a wrapper on exit; other commands (kubectl) are
// measured by GNU time when the machine has it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const BIN = path.join(ROOT, "bin/netpol-drift.js");
const GNU_TIME = "/usr/bin/time";

const wrappers = new Map();
function nodeWrapper(bin) {
  if (!wrappers.has(bin)) {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "netpol-bench-")), "wrapper.mjs");
    writeFileSync(
      file,
      `process.on("exit", () => { const u = process.resourceUsage(); process.stderr.write("\\nMAXRSS_KB " + u.maxRSS + " CPU_US " + (u.userCPUTime + u.systemCPUTime) + "\\n"); });\nprocess.argv.splice(1, 1);\nawait import(${JSON.stringify(bin)});\n`,
    );
    wrappers.set(bin, file);
  }
  return wrappers.get(bin);
}

/** `netpol-drift ARGS` in a child (`bin`: another build, e.g. a baseline checkout): { code, ms, rssMB, stdoutBytes, stderr }. */
export function runProduct(args, { env = {}, cwd, bin = BIN } = {}) {
  return measure(process.execPath, [nodeWrapper(bin), bin, ...args], { env, cwd });
}

/** Any command; RSS from GNU time when present, else NaN. */
export function runCommand(cmd, args, { env = {}, cwd } = {}) {
  if (!existsSync(GNU_TIME)) return measure(cmd, args, { env, cwd });
  return measure(GNU_TIME, ["-f", "\nMAXRSS_KB %M", cmd, ...args], { env, cwd });
}

function measure(cmd, args, { env, cwd }) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "warn", ...env },
    });
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (d) => (stdoutBytes += d.length));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /MAXRSS_KB (\d+)/.exec(stderr);
      const cpu = /CPU_US (\d+)/.exec(stderr);
      resolve({
        code,
        signal,
        ms,
        rssMB: m ? Number(m[1]) / 1024 : NaN,
        // user + system CPU of the child: on a shared machine the figure that other loads do not inflate
        cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN,
        stdoutBytes,
        stderr: stderr.replace(/\n?MAXRSS_KB \d+( CPU_US \d+)?\n?/, "").slice(-600),
      });
    });
  });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `fn` `runs` times; the median wall time and the largest RSS. */
export async function repeat(runs, fn) {
  const all = [];
  for (let r = 0; r < runs; r++) all.push(await fn());
  const ms = median(all.map((x) => x.ms));
  const mid = all.find((x) => x.ms === ms);
  const times = all.map((x) => x.ms);
  return {
    ...mid,
    ms,
    rssMB: Math.max(...all.map((x) => x.rssMB)),
    runs: all.length,
    spread: [Math.min(...times), Math.max(...times)],
  };
}

export const fmt = {
  s: (ms) => `${(ms / 1000).toFixed(2)} s`,
  mb: (mb) => (Number.isFinite(mb) ? `${mb.toFixed(0)} MB` : "n/a"),
  size: (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} kB`),
};
