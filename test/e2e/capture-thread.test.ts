import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultNormalizeOptions } from "../../src/model/types.js";
import { type Json, kubectlList, managedEntry, serverPolicy } from "../fixtures/server-shaped.js";
import { put, tempTree } from "../fixtures/temp-tree.js";
import { drain } from "../unit/workers/capture-world.js";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";

// The built CLI scans a capture file on a worker thread (dist/sources/live/capture-worker.js) while it loads
// the desired folder; a capture on stdin is read the ordinary way. Both must print the same report but for
// the label (the path or "stdin"), and the scan must be the same on the thread as in this one. No API
// server is needed: the live side is a file.

type CaptureThread = typeof import("../../src/sources/live/capture-thread.js");
const BUILT = path.join(ROOT, "dist/sources/live");

const NAMESPACES = 20;
const POLICIES = 400;

function spec(i: number): Json {
  return {
    podSelector: { matchLabels: { app: `app-${i}` } },
    policyTypes: i % 3 === 0 ? ["Egress", "Ingress"] : ["Ingress"],
    ingress: [
      { from: [{ podSelector: { matchLabels: { role: "client" } } }], ports: [{ protocol: "TCP", port: 8000 + i }] },
    ],
    ...(i % 3 === 0 ? { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.9.0.0/16"] } }] }] } : {}),
  };
}

const nsOf = (i: number) => `team-${i % NAMESPACES}`;

/** A desired folder of POLICIES policies, and a capture of the cluster with some drift of every kind. */
async function world(): Promise<{ desired: string; capture: string; text: string; count: number }> {
  const files: Record<string, string> = {};
  const live: Json[] = [];
  for (let i = 0; i < POLICIES; i++) {
    const name = `p-${i}`;
    if (i % 97 !== 5)
      files[`desired/${nsOf(i)}/${name}.yaml`] = `${JSON.stringify(
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name, labels: { team: nsOf(i) } },
          spec: spec(i),
        },
        null,
        2,
      )}\n`;
    if (i % 89 === 3) continue; // missing: desired, not live
    const liveSpec = spec(i);
    const labels: Json = { team: nsOf(i) };
    const managedFields = [managedEntry("argocd-controller", "Apply", "2025-03-04T09:15:27Z")];
    if (i % 61 === 7) {
      ((liveSpec.ingress as Json[])[0] as Json).ports = [{ protocol: "TCP", port: 9999 }];
      managedFields.push(
        managedEntry("kubectl-edit", "Update", "2025-06-11T22:14:03Z", { "f:spec": { "f:ingress": {} } }),
      );
    }
    if (i % 53 === 11) labels.team = "someone-else";
    if (i % 41 === 0) (liveSpec.ingress as Json[]).reverse(); // one rule: no change; order never counts
    live.push(serverPolicy(nsOf(i), name, liveSpec, { labels, managedFields }));
  }
  const text = `${JSON.stringify(kubectlList(live), null, 4)}\n`;
  const root = await tempTree(files);
  await put(root, "capture.json", text);
  return { desired: path.join(root, "desired"), capture: path.join(root, "capture.json"), text, count: live.length };
}

async function bothWays(desired: string, capture: string, args: string[]) {
  const argv = (live: string) => ["report", "--desired", desired, "--live-file", live, "--no-rules", ...args];
  const input = await readFile(capture, "utf8");
  const [file, stdin] = await Promise.all([netpolDrift(argv(capture)), netpolDrift(argv("-"), { input })]);
  // The two runs differ in their label and their clock (the report's and the logs' times; the captured times
  // have no milliseconds).
  const clock = (t: string) =>
    t.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<now>").replace(/"(time|ms)":\d+/g, '"$1":0');
  const relabel = (t: string) => clock(t.split(capture).join("stdin"));
  return {
    file: { ...file, stdout: relabel(file.stdout), stderr: relabel(file.stderr) },
    stdin: { ...stdin, stdout: clock(stdin.stdout), stderr: clock(stdin.stderr) },
  };
}

describe("the built CLI: a capture file read on the worker thread", () => {
  it("has the reader thread built next to the reader", () => {
    expect(existsSync(path.join(BUILT, "capture-worker.js"))).toBe(true);
    expect(existsSync(path.join(BUILT, "capture-thread.js"))).toBe(true);
  });

  it.each([["json"], ["text"], ["markdown"]])("prints the same -o %s report as from stdin", async (output) => {
    const { desired, capture } = await world();
    const { file, stdin } = await bothWays(desired, capture, ["-o", output]);
    expect(stdin.code).toBe(1);
    expect(file).toEqual(stdin);
    if (output === "json") {
      const report = jsonReport(stdin);
      const states = (report.drift as { state: string }[]).map((d) => d.state);
      expect(states.filter((s) => s === "modified").length).toBeGreaterThan(5);
      expect(states).toContain("missing");
      expect(states).toContain("unmanaged");
      expect(report.summary.inSync).toBeGreaterThan(300);
      expect(JSON.stringify(report.drift)).toContain("kubectl-edit");
    }
  });

  it("prints the same report in sync, and for a faulty capture the same error", async () => {
    const { desired, capture, text } = await world();
    const inSyncDesired = path.dirname(desired);
    // The capture is its own desired side once every live policy is written to the folder as it is.
    const live = JSON.parse(text) as { items: Json[] };
    const files: Record<string, string> = {};
    for (const o of live.items) {
      const m = o.metadata as Json;
      files[`same/${String(m.namespace)}/${String(m.name)}.yaml`] = `${JSON.stringify(
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: m.name, labels: m.labels },
          spec: o.spec,
        },
        null,
        2,
      )}\n`;
    }
    for (const [rel, content] of Object.entries(files)) await put(inSyncDesired, rel, content);
    const same = await bothWays(path.join(inSyncDesired, "same"), capture, ["-o", "json"]);
    expect(same.stdin.code).toBe(0);
    expect(same.file).toEqual(same.stdin);

    const duplicate = JSON.stringify(kubectlList([...live.items, live.items[3] as Json]));
    await put(path.dirname(capture), path.basename(capture), duplicate);
    const faulty = await bothWays(path.join(inSyncDesired, "same"), capture, ["-o", "json"]);
    expect(faulty.stdin.code).toBe(2);
    expect(faulty.file).toEqual(faulty.stdin);
  });

  it("prints the same report scoped to namespaces, and without a desired folder", async () => {
    const { desired, capture } = await world();
    const scoped = await bothWays(desired, capture, ["-o", "json", "-n", "team-7", "--ignore-label", "team"]);
    expect(scoped.stdin.code).toBe(1);
    expect(scoped.file).toEqual(scoped.stdin);
    const none = await bothWays(path.join(path.dirname(desired), "absent"), capture, ["-o", "json"]);
    expect(none.stdin.code).toBe(2);
    expect(none.file).toEqual(none.stdin);
  });

  it("scans alike on the worker thread and in this thread, batch by batch", async () => {
    const thread = (await import(pathToFileURL(path.join(BUILT, "capture-thread.js")).href)) as CaptureThread;
    const { capture, count } = await world();
    const many = Array.from({ length: 2500 }, (_, i) =>
      serverPolicy(`ns-${i % 30}`, `p-${i}`, spec(i), { labels: { i: String(i), note: "é\u2028" } }),
    );
    const root = await tempTree({
      "many.json": JSON.stringify(kubectlList(many), null, 2),
      "dup.json": JSON.stringify(kubectlList([...many, many[1] as Json])),
    });
    for (const [file, policies] of [
      [capture, count],
      [path.join(root, "many.json"), many.length],
    ] as const) {
      for (const opts of [defaultNormalizeOptions(), { ignoreLabels: ["team", "i"], compareAnnotations: ["*"] }]) {
        const onThread = await drain(thread.startCaptureScan(file, opts, "thread"));
        expect(onThread?.hashes.length).toBe(policies);
        expect(onThread).toEqual(await drain(thread.startCaptureScan(file, opts, "here")));
        // By default on the thread; on one core there is none (the capture is read whole).
        const byDefault = thread.startCaptureScan(file, opts);
        expect(byDefault === undefined).toBe(availableParallelism() === 1);
        if (byDefault) expect(await drain(byDefault)).toEqual(onThread);
      }
    }
    const opts = defaultNormalizeOptions();
    // A fault after two batches were handed on, a missing file, a scan nobody waits for: no end.
    expect(await drain(thread.startCaptureScan(path.join(root, "dup.json"), opts, "thread"))).toBeUndefined();
    expect(await drain(thread.startCaptureScan(path.join(root, "absent.json"), opts, "thread"))).toBeUndefined();
    const cancelled = thread.startCaptureScan(path.join(root, "many.json"), opts, "thread");
    cancelled.cancel();
    expect(await drain(cancelled)).toBeUndefined();
  });
});
