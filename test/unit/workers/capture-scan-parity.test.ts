import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizerFor } from "../../../src/core/normalizer.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { policiesFromScan, startCaptureScan } from "../../../src/sources/live/capture-thread.js";
import { type Json, kubectlList, rawApiList, serverPolicy } from "../../fixtures/server-shaped.js";
import { put, tempTree } from "../../fixtures/temp-tree.js";
import { bothPaths, type Setup } from "./both-paths.js";
import {
  at,
  API,
  scanAll,
  withBytes,
  DB,
  DENY,
  WEB,
  WORLD,
  captureOf,
  desiredFiles,
  editedBy,
  metaOf,
  served,
  specOf,
} from "./capture-world.js";

// `report --live-file FILE` scans the capture on a reader thread and takes its in-sync policies from the
// desired side; `--live-file -` (stdin) reads the same bytes the ordinary way. Whatever the capture holds (in
// sync, drift of every kind, faults), both must print the same report, byte for byte, but for the label
// (the path or "stdin"), and exit alike: the scan may never turn drift or a fault into "in sync".

interface Scenario extends Setup {
  /** The exit code the ordinary reader gives (so no scenario passes by failing alike on both paths). */
  code: 0 | 1 | 2;
  /** Whether the scan stands in for the ordinary reader (a scan is returned and the items read again). */
  scanned: boolean;
}

const live = (...objs: Json[]) => captureOf(objs);
/** The whole world served, with the given policies changed as a later writer would. */
const liveWith = (edits: Partial<Record<"web" | "db" | "api" | "deny", (o: Json) => void>>) =>
  live(served(WEB, edits.web), served(DB, edits.db), served(API, edits.api), served(DENY, edits.deny));
const inSync = () => WORLD.map((p) => served(p));
const stored = { podSelector: {}, policyTypes: ["Ingress"] };
const namespaceOf = (name: string): Json => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
});
const big = Array.from({ length: 1500 }, (_, i) =>
  serverPolicy(`ns-${i % 40}`, `p-${i}`, stored, {
    labels: { app: `app-${i}` },
    annotations: { pad: "x".repeat(1200) },
  }),
);
const bigDesired = (drop: number) =>
  Object.fromEntries(
    big
      .filter((_, i) => i !== drop)
      .map((o, i): [string, string] => {
        const m = metaOf(o);
        return [
          `desired/${String(m.namespace)}/${String(m.name)}.yaml`,
          `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${String(m.name)}\n  labels:\n    app: ${String((m.labels as Json).app)}${i === 7 ? "b" : ""}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`,
        ];
      }),
  );

const scenarios: [string, Scenario][] = [
  ["all in sync", { capture: live(...inSync()), code: 0, scanned: true }],
  ["all in sync, -A", { capture: live(...inSync()), args: ["-A"], code: 0, scanned: true }],
  ["all in sync, compact JSON", { capture: JSON.stringify(kubectlList(inSync())), code: 0, scanned: true }],
  [
    "a raw NetworkPolicyList (items without kind)",
    { capture: JSON.stringify(rawApiList(inSync())), code: 0, scanned: true },
  ],
  [
    "a label value changed",
    {
      capture: live(
        served(WEB, (o) => ((metaOf(o).labels as Json).tier = "back")),
        served(DB),
        served(API),
      ),
      code: 1,
      scanned: true,
    },
  ],
  [
    "a label added by kubectl edit (changedBy)",
    {
      capture: liveWith({
        db: (o) => {
          (metaOf(o).labels as Json).extra = "1";
          editedBy(o, "kubectl-edit", { "f:metadata": { "f:labels": { "f:extra": {} } } });
        },
      }),
      code: 1,
      scanned: true,
    },
  ],
  [
    "a spec port changed by kubectl edit",
    {
      capture: liveWith({
        web: (o) => {
          (at(o, "spec", "ingress", 0, "ports") as Json[])[0] = { protocol: "TCP", port: 8080 };
          editedBy(o, "kubectl-edit", { "f:spec": { "f:ingress": {} } });
        },
      }),
      code: 1,
      scanned: true,
    },
  ],
  [
    'port 80 as the string "80", endPort dropped, a policy type dropped',
    {
      capture: liveWith({
        web: (o) => {
          (at(o, "spec", "ingress", 0, "ports") as Json[])[0] = { protocol: "TCP", port: "80" };
        },
        db: (o) => {
          (at(o, "spec", "egress", 0, "ports", 1) as Json).endPort = undefined;
          specOf(o).policyTypes = ["Ingress"];
        },
      }),
      code: 1,
      scanned: true,
    },
  ],
  [
    "rules, peers, ports, except and policyTypes reordered (in sync once normalised)",
    {
      capture: liveWith({
        web: (o) => {
          const ingress = specOf(o).ingress as Json[];
          ingress.reverse();
          (at(ingress, 1, "from") as Json[]).reverse();
          (at(ingress, 1, "ports") as Json[]).reverse();
        },
        db: (o) => {
          const egress = (specOf(o).egress as Json[])[0] as Json;
          (((egress.to as Json[])[0] as Json).ipBlock as Json).except = ["10.2.0.0/16", "10.1.0.0/16"];
          specOf(o).policyTypes = ["Ingress", "Egress"];
        },
        deny: (o) => ((metaOf(o).labels as Json)["app.kubernetes.io/managed-by"] = "helm"),
      }),
      code: 0,
      scanned: true,
    },
  ],
  [
    "an unmanaged and a missing policy, one without managedFields",
    {
      capture: live(
        served(WEB),
        served(DB),
        served(API),
        serverPolicy("cart", "debug", stored, { managedFields: [] }),
        serverPolicy("kube-system", "calico", stored),
      ),
      code: 1,
      scanned: true,
    },
  ],
  ["an empty List, -A: every desired policy missing", { capture: live(), args: ["-A"], code: 1, scanned: true }],
  ["an empty List without -A", { capture: live(), code: 2, scanned: true }],
  [
    "a List that holds a Pod besides the policies",
    {
      capture: live(...inSync(), { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "shop" } }),
      code: 0,
      scanned: true,
    },
  ],
  [
    "an annotation changed: not compared by default",
    {
      capture: liveWith({ web: (o) => ((metaOf(o).annotations as Json).note = "bye") }),
      code: 0,
      scanned: true,
    },
  ],
  [
    "an annotation changed, --compare-annotation note",
    {
      capture: liveWith({ web: (o) => ((metaOf(o).annotations as Json).note = "bye") }),
      args: ["--compare-annotation", "note"],
      code: 1,
      scanned: true,
    },
  ],
  [
    "empty annotations against none, --compare-annotation '*'",
    {
      capture: liveWith({ db: (o) => (metaOf(o).annotations = {}) }),
      args: ["--compare-annotation", "*"],
      code: 0,
      scanned: true,
    },
  ],
  [
    "a label changed, --ignore-label team",
    {
      capture: liveWith({ web: (o) => ((metaOf(o).labels as Json).team = "other") }),
      args: ["--ignore-label", "team"],
      code: 0,
      scanned: true,
    },
  ],
  [
    "a tool label changed, --no-default-ignore-labels",
    {
      capture: live(
        ...inSync().slice(0, 3),
        served(DENY, (o) => ((metaOf(o).labels as Json)["app.kubernetes.io/managed-by"] = "helm")),
      ),
      args: ["--no-default-ignore-labels"],
      code: 1,
      scanned: true,
    },
  ],
  [
    "rules: fields owned by a manager, a whole policy by manager, paths, expected, a waiver",
    {
      rules: [
        "ignore:",
        '  - match: {namespace: "*"}',
        "    fieldsOwnedBy: calico-kube-controllers",
        "  - match: {namespace: tenant-a, manager: istiod}",
        "    whole: true",
        "  - match: {namespace: cart}",
        "    paths: [/spec/ingress]",
        "unmanaged:",
        "  - match: {namespace: kube-system}",
        "    reason: the CNI's own",
        "waivers:",
        "  - match: {namespace: shop, name: db}",
        "    reason: INC-1",
        "    owner: platform",
        "    expires: 2099-01-31",
        "",
      ].join("\n"),
      capture: live(
        served(WEB, (o) => {
          (metaOf(o).labels as Json)["projectcalico.org/x"] = "1";
          editedBy(o, "calico-kube-controllers", { "f:metadata": { "f:labels": { "f:projectcalico.org/x": {} } } });
        }),
        served(DB, (o) => ((metaOf(o).labels as Json).team = "ops")),
        served(API, (o) => (specOf(o).ingress = [{ from: [{ podSelector: {} }] }])),
        served(DENY, (o) => {
          specOf(o).policyTypes = ["Ingress"];
          editedBy(o, "istiod", { "f:spec": { "f:policyTypes": {} } });
        }),
        serverPolicy("kube-system", "calico", stored),
      ),
      code: 0,
      scanned: true,
    },
  ],
  [
    "rules: fields owned by a manager, and another manager's change in the same policy",
    {
      rules: 'ignore:\n  - match: {namespace: "*"}\n    fieldsOwnedBy: calico-kube-controllers\n',
      capture: liveWith({
        web: (o) => {
          (metaOf(o).labels as Json)["projectcalico.org/x"] = "1";
          editedBy(o, "calico-kube-controllers", { "f:metadata": { "f:labels": { "f:projectcalico.org/x": {} } } });
          (metaOf(o).labels as Json).tier = "back";
          editedBy(o, "kubectl-edit", { "f:metadata": { "f:labels": { "f:tier": {} } } });
        },
      }),
      code: 1,
      scanned: true,
    },
  ],
  [
    "a whole policy ignored by manager while it is in sync",
    {
      rules: "ignore:\n  - match: {namespace: tenant-a, manager: kubectl-client-side-apply}\n    whole: true\n",
      capture: live(...inSync()),
      code: 0,
      scanned: true,
    },
  ],
  [
    "-n shop: out-of-scope namespaces and drift there",
    {
      capture: live(
        served(WEB),
        served(DB),
        served(API, (o) => (specOf(o).ingress = [])),
        serverPolicy("other", "x", stored),
      ),
      args: ["-n", "shop"],
      code: 0,
      scanned: true,
    },
  ],
  [
    "--exclude-namespace tenant-*",
    {
      capture: live(served(WEB), served(DB), served(API)),
      args: ["--exclude-namespace", "tenant-*"],
      code: 0,
      scanned: true,
    },
  ],
  [
    "names and labels with quotes, backslashes, brackets, line separators and astral characters",
    {
      capture: live(
        ...inSync(),
        serverPolicy("shop", 'we"b\\]}{[', stored, { labels: { note: "\u2028 \u{1F600} é ]} {[" } }),
        serverPolicy("shop", "web/x", stored),
      ),
      code: 1,
      scanned: true,
    },
  ],
  ["with a BOM", { capture: `\uFEFF${live(...inSync())}`, code: 0, scanned: true }],
  [
    "1,500 policies over 2 MB (chunk boundaries inside items), one drifted, one missing",
    { desired: bigDesired(1499), capture: live(...big), code: 1, scanned: true },
  ],
  // Faults found only after the first batch was handed on (and taken) while the rest was still being read.
  [
    "1,500 policies, then a duplicate of the first",
    { desired: bigDesired(1499), capture: live(...big, big[0] as Json), code: 2, scanned: false },
  ],
  [
    "1,500 policies with metadata.continue after the items (kubectl's key order)",
    {
      desired: bigDesired(1499),
      capture: `{"apiVersion":"v1","items":${JSON.stringify(big)},"kind":"List","metadata":{"continue":"eyJ2IjoxfQ"}}`,
      code: 2,
      scanned: false,
    },
  ],
  [
    "a List nested in the List",
    { capture: live(kubectlList([served(WEB), served(DB)]), served(API), served(DENY)), code: 0, scanned: false },
  ],
  ["a duplicate policy", { capture: live(...inSync(), served(DB)), code: 2, scanned: false }],
  [
    "a duplicate of a drifted policy",
    {
      capture: live(
        served(WEB, (o) => (metaOf(o).labels = {})),
        served(WEB),
        served(DB),
      ),
      code: 2,
      scanned: false,
    },
  ],
  [
    "bad UTF-8 inside an item",
    {
      capture: withBytes(
        live(...inSync().slice(0, 3), serverPolicy("shop", "x", stored, { labels: { x: "MARK" } })),
        "MARK",
        [0xed, 0xa0, 0x80],
      ),
      code: 2,
      scanned: false,
    },
  ],
  [
    "a Status",
    { capture: JSON.stringify({ kind: "Status", apiVersion: "v1", message: "forbidden" }), code: 2, scanned: false },
  ],
  [
    "a paginated list (metadata.continue)",
    { capture: JSON.stringify({ ...kubectlList(inSync()), metadata: { continue: "abc" } }), code: 2, scanned: false },
  ],
  [
    "a YAML capture",
    { capture: `${JSON.stringify(kubectlList(inSync()))}\n---\n`.replace(/^/, "# kubectl\n"), code: 0, scanned: false },
  ],
  [
    "a List of Pods",
    {
      capture: live({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "n" } }),
      code: 2,
      scanned: false,
    },
  ],
  [
    "an unstorable CIDR",
    {
      capture: live(
        served(WEB),
        served(DB, (o) => ((at(o, "spec", "egress", 0, "to", 0) as Json).ipBlock = { cidr: "10.0.0.1" })),
      ),
      code: 2,
      scanned: false,
    },
  ],
  // YAML reads what JSON refuses: a trailing comma reads as the whole-file read reads it.
  ["a trailing comma", { capture: live(...inSync()).replace(/}\s*\]/, "},]"), code: 0, scanned: false }],
  ["two lists one after the other", { capture: `${live(served(WEB))}${live(served(DB))}`, code: 2, scanned: false }],
  [
    "the traffic analysis: tenants, an egress allow-list, an air-gapped tenant, ipBlocks matching pods",
    {
      capture: liveWith({
        db: (o) => ((at(o, "spec", "egress", 0, "to", 0) as Json).ipBlock = { cidr: "0.0.0.0/0" }),
        deny: (o) => (specOf(o).egress = [{ to: [{ ipBlock: { cidr: "8.8.8.8/32" } }] }]),
      }),
      args: [
        "--tenant-pattern",
        "tenant-*",
        "--egress-allow",
        "10.0.0.0/8!10.1.0.0/16",
        "--air-gapped",
        "a",
        "--ipblock-matches-pods",
      ],
      code: 1,
      scanned: true,
    },
  ],
  [
    "--analysis summary",
    {
      capture: liveWith({ web: (o) => (specOf(o).ingress = [{}]) }),
      args: ["--analysis", "summary"],
      code: 1,
      scanned: true,
    },
  ],
  [
    "--analysis off",
    {
      capture: liveWith({ web: (o) => (specOf(o).ingress = [{}]) }),
      args: ["--analysis", "off"],
      code: 1,
      scanned: true,
    },
  ],
  [
    "--workloads: named ports and pod labels from a capture of the namespaces and pods",
    {
      workloads: kubectlList([
        namespaceOf("shop"),
        namespaceOf("edge"),
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "web-1", namespace: "shop", labels: { app: "web" } },
          spec: { containers: [{ name: "c", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
          status: { phase: "Running", podIP: "10.0.0.1" },
        },
      ]),
      capture: liveWith({
        web: (o) => {
          (at(o, "spec", "ingress", 0) as Json).ports = [{ protocol: "TCP", port: "http" }];
        },
      }),
      code: 1,
      scanned: true,
    },
  ],
  [
    "the capture named by a relative path",
    { capture: live(...inSync()), where: { relative: true }, code: 0, scanned: true },
  ],
  [
    "the capture named by a relative path, with drift",
    { capture: live(served(WEB), served(DB)), where: { relative: true }, args: ["-A"], code: 1, scanned: true },
  ],
  ["the capture through a symlink", { capture: live(...inSync()), where: { link: true }, code: 0, scanned: true }],
  [
    "a capture file named with spaces and accents",
    {
      capture: live(served(WEB), served(DB)),
      where: { name: "prod capture été.json" },
      args: ["-A"],
      code: 1,
      scanned: true,
    },
  ],
  ["no desired folder", { desired: {}, capture: live(...inSync()), code: 2, scanned: true }],
  [
    "a desired file that fails to parse",
    {
      desired: { ...desiredFiles(), "desired/shop/broken.yaml": "kind: [" },
      capture: live(...inSync()),
      code: 2,
      scanned: true,
    },
  ],
  [
    "a desired policy twice",
    {
      desired: {
        ...desiredFiles(),
        "desired/shop/web-copy.yaml": desiredFiles([WEB])["desired/shop/web.yaml"] as string,
      },
      capture: live(...inSync()),
      code: 2,
      scanned: true,
    },
  ],
];

describe("report: the capture's reader thread and the ordinary reader print the same report", () => {
  it.each(scenarios)(
    "%s",
    async (_what, s) => {
      for (const output of ["json", "text", "markdown"]) {
        const { file, stdin } = await bothPaths(s, output);
        expect(stdin.code).toBe(s.code);
        expect(file).toEqual(stdin);
      }
    },
    120_000,
  ); // the large captures run six reports on a shared machine

  it.each(scenarios)("%s: the scan stands in for the ordinary reader only where it should", async (_what, s) => {
    const root = await tempTree();
    const file = path.join(root, "capture.json");
    await put(root, "capture.json", s.capture);
    const opts = defaultNormalizeOptions();
    const scan = await scanAll(file, opts);
    // No twins: every policy is read again from the bytes the scan found it at.
    const none = { twin: () => undefined };
    const policies = await policiesFromScan(file, startCaptureScan(file, opts, "here"), none, normalizerFor(opts));
    expect(scan !== undefined).toBe(s.scanned);
    expect(policies !== undefined).toBe(s.scanned);
    if (policies) expect(policies.policies.length).toBe(scan?.hashes.length);
  });
});
