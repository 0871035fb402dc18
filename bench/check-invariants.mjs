// checkInvariants on N namespaces × P policies each (the common shapes): wall time and RSS.
// node bench/check-invariants.mjs [ROOT=.] [N=1000] [P=50]   (after npm run build; ROOT: a checkout with dist/)
import path from "node:path";
import { pathToFileURL } from "node:url";
const root = pathToFileURL(path.resolve(process.argv[2] ?? ".")).href;
const { checkInvariants } = await import(`${root}/dist/analyse/invariants.js`);
const { defaultAnalysisOptions } = await import(`${root}/dist/analyse/types.js`);
const { normalizePolicy } = await import(`${root}/dist/normalize/policy.js`);
const { defaultNormalizeOptions } = await import(`${root}/dist/model/types.js`);
const N = Number(process.argv[3] ?? 1000),
  P = Number(process.argv[4] ?? 50);
const opts = defaultNormalizeOptions();
const DNS = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { port: 53, protocol: "UDP" },
    { port: 53, protocol: "TCP" },
  ],
};
const policies = [];
for (let n = 0; n < N; n++) {
  const ns = `tenant-t${n}`;
  policies.push(
    normalizePolicy(
      {
        metadata: { name: "default-deny", namespace: ns },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [DNS] },
      },
      ns,
      { file: `${ns}/d.yaml`, line: 1 },
      opts,
    ),
  );
  for (let i = 1; i < P; i++) {
    policies.push(
      normalizePolicy(
        {
          metadata: { name: `p${i}`, namespace: ns },
          spec: {
            podSelector: { matchLabels: { app: `a${i}` } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: { matchLabels: { app: `a${i - 1}` } } }], ports: [{ port: 8080 }] }],
            egress: [
              { to: [{ ipBlock: { cidr: `10.${n % 250}.${i % 250}.0/24` } }], ports: [{ port: 443 }] },
              { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "database" } } }] },
            ],
          },
        },
        ns,
        { file: `${ns}/p${i}.yaml`, line: 1 },
        opts,
      ),
    );
  }
}
const t0 = performance.now();
const v = checkInvariants({
  policies,
  side: "desired",
  options: { ...defaultAnalysisOptions(), egressAllowList: [{ cidr: "10.0.0.0/8" }] },
});
const ms = performance.now() - t0;
console.log(
  JSON.stringify({
    root,
    namespaces: N,
    policies: policies.length,
    violations: v.length,
    ms: Math.round(ms),
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  }),
);
