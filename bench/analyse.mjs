// Benchmark of the analysis stage at scale: 1,000 namespaces (each a tenant), 10,000 policies, 50,000 pods,
// 50 namespaces drifted (an edited port in each, an allow-all ingress policy added in 10). Not a test (no wall-clock assertions anywhere); run it by hand and read the numbers:
//
//   npm run build && node --expose-gc bench/analyse.mjs
//
// It times core/detect (normalise both sides, compare, effects for the drifted namespaces, invariants on
// both sides) and the analysis alone — analyseForReport, the function detect calls — and reports heap
// and RSS.
import { performance } from "node:perf_hooks";
import { analyseForReport } from "../dist/analyse/report.js";
import { defaultAnalysisOptions } from "../dist/analyse/types.js";
import { defaultNormalizeOptions } from "../dist/model/types.js";
import { detect, normalizeDesired } from "../dist/core/detect.js";
import { normalizeAll, normalizerFor } from "../dist/core/normalizer.js";

const NAMESPACES = Number(process.env.NAMESPACES ?? 1000);
const POLICIES_PER_NS = 10;
const PODS_PER_NS = 50;
const DRIFTED = Number(process.env.DRIFTED ?? 50);

const ns = (i) => `team-${String(i).padStart(4, "0")}`;
const dns = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

function policiesOf(i) {
  const n = ns(i);
  const out = [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace: n },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [dns] },
    },
  ];
  for (let j = 1; j < POLICIES_PER_NS; j++) {
    const spec = {
      podSelector: { matchLabels: { app: `app-${j}` } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: `app-${j - 1}` } } }],
          ports: [{ protocol: "TCP", port: 8000 + j }],
        },
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateways" } },
              podSelector: { matchLabels: { app: "gateway", shard: `s${i % 10}` } },
            },
          ],
          ports: [{ port: "http" }],
        },
      ],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns((i + 1) % NAMESPACES) } },
              podSelector: { matchLabels: { app: `app-${j}` } },
            },
          ],
          ports: [{ protocol: "TCP", port: 8000 + j }],
        },
        ...(j % 3 === 0
          ? [
              {
                to: [{ ipBlock: { cidr: `198.51.${i % 256}.0/24`, except: [`198.51.${i % 256}.128/25`] } }],
                ports: [{ protocol: "TCP", port: 443 }],
              },
            ]
          : []),
      ],
    };
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `app-${j}`, namespace: n },
      spec,
    });
  }
  return out;
}

function workloads() {
  const namespaces = [];
  const pods = [];
  for (let i = 0; i < NAMESPACES; i++) {
    namespaces.push({ name: ns(i), labels: { "kubernetes.io/metadata.name": ns(i), team: `t${i % 10}` } });
    for (let k = 0; k < PODS_PER_NS; k++) {
      const app = k % 10 === 0 ? "gateway" : `app-${k % 10}`;
      pods.push({
        namespace: ns(i),
        name: `${app}-${k}`,
        labels: { app, "pod-template-hash": `h${k}` },
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
        ips: [`10.${i >> 8}.${i & 255}.${k}`],
      });
    }
  }
  namespaces.push(
    { name: "kube-system", labels: { "kubernetes.io/metadata.name": "kube-system" } },
    { name: "gateways", labels: { "kubernetes.io/metadata.name": "gateways" } },
  );
  for (let s = 0; s < 10; s++)
    pods.push({
      namespace: "gateways",
      name: `gw-${s}`,
      labels: { app: "gateway", shard: `s${s}` },
      ports: [{ name: "https", port: 8443, protocol: "TCP" }],
      ips: [`10.254.0.${s}`],
    });
  pods.push({
    namespace: "kube-system",
    name: "coredns-1",
    labels: { "k8s-app": "kube-dns" },
    ports: [{ name: "dns", port: 53, protocol: "UDP" }],
    ips: ["10.255.0.10"],
  });
  return { namespaces, pods, origin: "bench" };
}

const desiredObjects = [];
for (let i = 0; i < NAMESPACES; i++) desiredObjects.push(...policiesOf(i));
const liveObjects = structuredClone(desiredObjects);
for (let i = 0; i < DRIFTED; i++) {
  const n = ns(i * Math.floor(NAMESPACES / DRIFTED));
  const p = liveObjects.find((o) => o.metadata.namespace === n && o.metadata.name === "app-2");
  p.spec.ingress[0].ports[0].port = 9999; // a narrowing edit
  if (i % 5 === 0)
    liveObjects.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "debug-allow-all", namespace: n },
      spec: { podSelector: { matchLabels: { app: "app-5" } }, ingress: [{}] },
    });
}

const norm = defaultNormalizeOptions();
const desired = {
  objects: desiredObjects.map((o, i) => ({
    raw: o,
    namespace: o.metadata.namespace,
    origin: { file: `${o.metadata.namespace}/${o.metadata.name}.yaml`, line: 1 + (i % 3) },
  })),
  skipped: [],
  problems: [],
};
const w = workloads();
const options = { ...defaultAnalysisOptions(), tenantPattern: "team-*", egressAllowList: [{ cidr: "198.51.0.0/17" }] };

const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
globalThis.gc?.();
const heap0 = process.memoryUsage().heapUsed;
let t = performance.now();
const report = detect({
  desired: { ...desired, objects: [...desired.objects] },
  live: { objects: liveObjects, cluster: "bench", origin: "bench", requests: 20 },
  analysis: { options, workloads: w },
  scope: { namespaces: [], exclude: [] },
  normalize: normalizerFor(norm),
  naming: { desired: "desired", generatedAt: new Date(0).toISOString() },
});
const reportMs = performance.now() - t;
const heapAfter = process.memoryUsage().heapUsed;

const normalize = normalizerFor(norm);
const live = normalizeAll([...liveObjects], normalize);
const desiredPolicies = normalizeDesired(desired, normalize).policies;
t = performance.now();
const analysis = analyseForReport({
  desired: desiredPolicies,
  live,
  context: [],
  namespaces: [...new Set(report.drift.map((d) => d.namespace))],
  withheld: report.withheld,
  workloads: w,
  options,
});
const analyseMs = performance.now() - t;

const count = (k) => report.effects.filter((e) => e.effect === k).length;
console.log(
  `namespaces ${NAMESPACES}, policies desired ${desiredPolicies.length} / live ${live.length}, pods ${w.pods.length}, drifted namespaces ${new Set(report.drift.map((d) => d.namespace)).size}`,
);
console.log(
  `effects: ${count("widens")} widens, ${count("changes")} changes, ${count("narrows")} narrows, ${count("none")} none; flows ${report.effects.reduce((n, e) => n + e.opened.length + e.closed.length, 0)}; violations ${report.violations.length}`,
);
console.log(`detect (normalise both sides + compare + analysis): ${reportMs.toFixed(0)} ms`);
console.log(
  `analysis alone (effects + invariants on both sides): ${analyseMs.toFixed(0)} ms (${analysis.effects.length} effects)`,
);
console.log(`heap: +${mb(heapAfter - heap0)} during detect; rss ${mb(process.memoryUsage().rss)}`);
const byInvariant = {};
for (const v of report.violations)
  byInvariant[`${v.side} ${v.invariant}`] = (byInvariant[`${v.side} ${v.invariant}`] ?? 0) + 1;
console.log(`violations by side and invariant: ${JSON.stringify(byInvariant)}`);
{
  const { computeEffects } = await import("../dist/analyse/effects.js");
  const { checkInvariants } = await import("../dist/analyse/invariants.js");
  const drifted = [...new Set(report.drift.map((d) => d.namespace))];
  let t0 = performance.now();
  computeEffects({ desired: desired.policies, live, namespaces: drifted, workloads: w, options });
  const effectsMs = performance.now() - t0;
  t0 = performance.now();
  checkInvariants({ policies: desired.policies, side: "desired", options });
  checkInvariants({ policies: live, side: "live", options });
  console.log(
    `of which: effects ${effectsMs.toFixed(0)} ms, invariants on both sides ${(performance.now() - t0).toFixed(0)} ms`,
  );
}
