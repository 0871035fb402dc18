// Starts a real Prometheus Pushgateway (Debian package prometheus-pushgateway) on 127.0.0.1 and a free
// port, and reads back what it exposes. Missing binary = a failing test, never a skip.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RunningPushgateway {
  url: string;
  stop(): Promise<void>;
  /** Samples from /metrics (without the gateway's own go_/process_/pushgateway_ series). */
  scrape(): Promise<Sample[]>;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const BIN = process.env.PUSHGATEWAY_BIN ?? "prometheus-pushgateway";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export async function startPushgateway(): Promise<RunningPushgateway> {
  const dir = await mkdtemp(path.join(tmpdir(), "netpol-drift-pgw-"));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(BIN, [`--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    const ready = await waitReady(url, child, spawnError);
    if (ready === true) {
      return {
        url,
        scrape: () => scrape(url),
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    // Another process took the port between probe and bind: try again, a bounded number of times.
    if (attempt >= 3 || !/address already in use/i.test(stderr)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(
        `${BIN} did not start on ${url}: ${ready instanceof Error ? ready.message : stderr.trim() || "not ready"}` +
          " (install it: apt-get install -y prometheus-pushgateway)",
      );
    }
  }
}

async function waitReady(url: string, child: ChildProcess, spawnError: Promise<Error>): Promise<true | Error | false> {
  const exited = new Promise<false>((resolve) => child.once("exit", () => resolve(false)));
  for (let i = 0; i < 100; i++) {
    const probe = fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    const outcome = await Promise.race([probe, exited, spawnError]);
    if (outcome === true || outcome instanceof Error) return outcome;
    if (child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await gone;
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`scrape ${url}/metrics: HTTP ${res.status}`);
  return parseExposition(await res.text()).filter((s) => !/^(go_|process_|pushgateway_|promhttp_)/.test(s.name));
}

/** Enough of the text exposition format for what the Pushgateway writes: name{k="v",…} value. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}
