// Fixtures for the benchmarks. In sync: a desired folder (one file per policy, one folder per namespace) and a
// `kubectl get netpol -A -o json --show-managed-fields` capture of the same policies with the server fields a
// real API server adds (uid, resourceVersion, generation, creationTimestamp, managedFields, the
// last-applied-configuration annotation). Both sides say the same: the report must be "in sync".
import { mkdirSync, openSync, writeSync, closeSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";

const ns = (i) => `team-${String(i).padStart(4, "0")}`;

/** Policy j of namespace i: a default-deny with DNS, then app policies with a few rules each. */
export function policy(i, j, namespaces) {
  const n = ns(i);
  if (j === 0) {
    return {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace: n },
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        egress: [
          {
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
          },
        ],
      },
    };
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `app-${j}`, namespace: n, labels: { app: `app-${j}`, team: `t${i % 10}` } },
    spec: {
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
              podSelector: { matchLabels: { app: "gateway" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns((i + 1) % namespaces) } },
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
    },
  };
}

/** What the API server stores for `p` after a client-side `kubectl apply`. */
export function served(p, seq) {
  const lastApplied = JSON.stringify(p);
  return {
    apiVersion: p.apiVersion,
    kind: p.kind,
    metadata: {
      ...p.metadata,
      annotations: {
        ...(p.metadata.annotations ?? {}),
        "kubectl.kubernetes.io/last-applied-configuration": `${lastApplied}\n`,
      },
      uid: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
      resourceVersion: String(100000 + seq),
      generation: 1,
      creationTimestamp: "2026-11-30T02:00:00Z",
      managedFields: [
        {
          manager: "kubectl-client-side-apply",
          operation: "Update",
          apiVersion: "networking.k8s.io/v1",
          time: "2026-11-30T02:00:00Z",
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:metadata": {
              "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
              ...(p.metadata.labels
                ? { "f:labels": Object.fromEntries(Object.keys(p.metadata.labels).map((k) => [`f:${k}`, {}])) }
                : {}),
            },
            "f:spec": {
              ...(p.spec.egress ? { "f:egress": {} } : {}),
              ...(p.spec.ingress ? { "f:ingress": {} } : {}),
              "f:podSelector": {},
              "f:policyTypes": {},
            },
          },
        },
      ],
    },
    spec: p.spec,
  };
}

/** Writes `dir/desired/<ns>/<name>.yaml` and `dir/live.json`; returns their paths. */
export function writeInSync(dir, policies, namespaces) {
  const desired = path.join(dir, "desired");
  const live = path.join(dir, "live.json");
  const perNs = Math.ceil(policies / namespaces);
  mkdirSync(dir, { recursive: true });
  const fd = openSync(live, "w");
  writeSync(fd, '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[\n');
  let seq = 0;
  for (let i = 0; i < namespaces; i++) {
    mkdirSync(path.join(desired, ns(i)), { recursive: true });
    for (let j = 0; j < perNs && seq < policies; j++, seq++) {
      const p = policy(i, j, namespaces);
      writeFileSync(path.join(desired, ns(i), `${p.metadata.name}.yaml`), stringify(p));
      writeSync(fd, `${seq > 0 ? ",\n" : ""}${JSON.stringify(served(p, seq), null, 4)}`);
    }
  }
  writeSync(fd, "\n]}\n");
  closeSync(fd);
  return { desired, live };
}

/**
 * The first-run layout (app teams own their policies, none in git yet): per namespace `default-deny` (egress
 * only to kube-dns), `allow-ingress-nginx`, `allow-same-ns`, as a person writes them.
 */
export function firstRunPolicies(namespace) {
  const NAME = "kubernetes.io/metadata.name";
  const np = (name, spec) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
  });
  return [
    np("default-deny", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [NAME]: "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    np("allow-ingress-nginx", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "ingress-nginx" } } }] }],
    }),
    np("allow-same-ns", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] }),
  ];
}

/** The first-run layout as the API server returns it, written as one List capture. */
export function writeFirstRunCapture(file, namespaces) {
  const fd = openSync(file, "w");
  writeSync(fd, '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[\n');
  let seq = 0;
  for (let i = 0; i < namespaces; i++) {
    for (const p of firstRunPolicies(ns(i))) {
      writeSync(fd, `${seq > 0 ? ",\n" : ""}${JSON.stringify(served(p, seq), null, 4)}`);
      seq++;
    }
  }
  writeSync(fd, "\n]}\n");
  closeSync(fd);
  return file;
}
