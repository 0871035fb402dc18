// The live case: a real kube-apiserver (scripts/envtest-up.sh), `netpol-drift report` against it vs
// `kubectl get netpol -A -o json` on the same machine, same cluster, same run. Policies are created in
// steps (e.g. 5,000 then 10,000) so the growth t(2N)/t(N) comes from the same control plane.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { repeat, ROOT, runCommand, runProduct } from "./lib-measure.mjs";

const policy = (ns, i) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: `p-${i}`, namespace: ns, labels: { app: `a${i % 7}`, tenant: ns } },
  spec: {
    podSelector: { matchLabels: { app: `a${i % 7}` } },
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { tenant: ns } }, podSelector: { matchLabels: { role: "client" } } },
        ],
        ports: [{ port: 8000 + (i % 100) }, { port: 9000, protocol: "UDP" }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 443 }] }],
  },
});

/** Returns one result per step: { policies, namespaces, kubectl, report } with ms / rssMB / stdoutBytes. */
/** `baselineBin`: another build's bin/netpol-drift.js, timed in the same runs (before/after). */
export async function liveVsKubectl({ steps, namespaces: NAMESPACES, runs, baselineBin, log = () => {} }) {
  const work = execFileSync("bash", [path.join(ROOT, "scripts/envtest-up.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop();
  const env = Object.fromEntries(
    readFileSync(path.join(work, "env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const kubectl = path.join(env.ENVTEST_BIN, "kubectl");
  const kc = env.KUBECONFIG_ADMIN;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "netpol-drift-bench-live-"));
  const create = (items) => {
    for (let c = 0; c < items.length; c += 500) {
      execFileSync(kubectl, ["--kubeconfig", kc, "create", "-f", "-"], {
        input: JSON.stringify({ apiVersion: "v1", kind: "List", items: items.slice(c, c + 500) }),
        stdio: ["pipe", "ignore", "inherit"],
        maxBuffer: 1 << 28,
      });
    }
  };
  const results = [];
  try {
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
    create(namespaces.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })));
    const items = [];
    for (const total of steps) {
      log(`creating policies ${items.length}..${total}`);
      const added = [];
      for (let i = items.length; i < total; i++) added.push(policy(namespaces[i % NAMESPACES], i));
      create(added);
      items.push(...added);
      const desired = path.join(tmp, `desired-${total}`);
      const byNs = new Map();
      for (const p of items)
        (byNs.get(p.metadata.namespace) ?? byNs.set(p.metadata.namespace, []).get(p.metadata.namespace)).push(p);
      for (const [ns, ps] of byNs) {
        mkdirSync(path.join(desired, ns), { recursive: true });
        writeFileSync(path.join(desired, ns, "policies.yaml"), ps.map((p) => stringify(p)).join("---\n"));
      }
      const k = () => runCommand(kubectl, ["--kubeconfig", kc, "get", "netpol", "-A", "-o", "json"]);
      const r = () => runProduct(["report", "--desired", desired, "--kubeconfig", kc, "-o", "json"]);
      const b = () =>
        runProduct(["report", "--desired", desired, "--kubeconfig", kc, "-o", "json"], { bin: baselineBin });
      await k();
      await r(); // warm-up (page cache, the API server's watch cache)
      // Interleaved, so a change in the machine's load hits all alike.
      const ks = [],
        rs = [],
        bs = [];
      for (let i = 0; i < runs; i++) {
        ks.push(await k());
        rs.push(await r());
        if (baselineBin) bs.push(await b());
      }
      const pick = async (xs) => repeat(xs.length, async () => xs.shift());
      const kubectlRes = await pick([...ks]);
      const reportRes = await pick([...rs]);
      if (reportRes.code !== 0 && reportRes.code !== 1)
        throw new Error(`report exited ${reportRes.code}: ${reportRes.stderr}`);
      // What the timed report saw, so a fast figure cannot come from a short list: one more (untimed) run.
      const seen = JSON.parse(
        execFileSync(
          process.execPath,
          [path.join(ROOT, "bin/netpol-drift.js"), "report", "--desired", desired, "--kubeconfig", kc, "-o", "json"],
          {
            encoding: "utf8",
            maxBuffer: 1 << 28,
            env: { ...process.env, NETPOL_DRIFT_LOG_LEVEL: "warn" },
          },
        ),
      ).summary;
      if (seen.live !== total || seen.inSync !== total)
        throw new Error(`report saw ${seen.live} live policies (${seen.inSync} in sync), not ${total}`);
      results.push({
        seen,
        policies: total,
        namespaces: NAMESPACES,
        kubectl: kubectlRes,
        report: reportRes,
        ...(baselineBin ? { baseline: await pick([...bs]) } : {}),
      });
    }
  } finally {
    execFileSync("bash", [path.join(ROOT, "scripts/envtest-down.sh"), work], { stdio: "inherit" });
    rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}
