import { describe, expect, it } from "vitest";
import { defaultNormalizeOptions } from "../../../../src/model/types.js";
import { loadNormalized } from "../../../helpers/desired.js";
import { policyYaml, tempTree } from "../../../fixtures/temp-tree.js";

// What is not a v1 NetworkPolicy is skipped and listed (never an error); what is meant as one but is
// wrong is a problem with file and line.

const load = (root: string) => loadNormalized(root, { normalize: defaultNormalizeOptions() });
const names = (s: { policies: { namespace: string; name: string }[] }) =>
  s.policies.map((p) => `${p.namespace}/${p.name}`);

describe("desired loader: skipped, not errors", () => {
  it("skips a Deployment and a Calico NetworkPolicy in a multi-document file, listing kind, apiVersion and line", async () => {
    const text = [
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
      "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: calico-deny\n",
      "---\n" + policyYaml("real"),
    ].join("");
    const s = await load(await tempTree({ "shop/mixed.yaml": text }));
    expect(s.problems).toEqual([]);
    expect(s.skipped).toEqual([
      {
        file: "shop/mixed.yaml",
        line: 1,
        kind: "Deployment",
        apiVersion: "apps/v1",
        reason: "not a networking.k8s.io/v1 NetworkPolicy",
      },
      {
        file: "shop/mixed.yaml",
        line: 6,
        kind: "NetworkPolicy",
        apiVersion: "projectcalico.org/v3",
        reason: "not a networking.k8s.io/v1 NetworkPolicy",
      },
    ]);
    expect(names(s)).toEqual(["shop/real"]);
  });

  it("skips Helm values, a scalar document and a top-level list as not Kubernetes objects", async () => {
    const s = await load(
      await tempTree({
        "values.yaml": "# Helm values\nglobal:\n  labels:\n    app: shop\nports: [80, 443]\n",
        "shop/scalar.yaml": "just a string\n",
        "shop/list.yml": "- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: in-a-list}\n",
      }),
    );
    expect(s.problems).toEqual([]);
    expect(s.skipped).toEqual([
      { file: "shop/list.yml", line: 1, reason: "not a Kubernetes object (no apiVersion/kind)" },
      { file: "shop/scalar.yaml", line: 1, reason: "not a Kubernetes object (no apiVersion/kind)" },
      { file: "values.yaml", line: 2, reason: "not a Kubernetes object (no apiVersion/kind)" },
    ]);
    expect(s.policies).toEqual([]);
  });

  it.each([
    ["an empty file", ""],
    ["a file of comments only", "# nothing here yet\n# TODO: deny all\n"],
    ["a file of `---` only", "---\n"],
    ["a file of separators and comments", "---\n# a\n---\n---\n"],
  ])("skips %s as an empty file", async (_what, text) => {
    const s = await load(await tempTree({ "shop/empty.yaml": text }));
    expect(s.problems).toEqual([]);
    expect(s.skipped).toEqual([{ file: "shop/empty.yaml", reason: "empty file" }]);
  });

  it("reads only *.yaml and *.yml, and not hidden folders", async () => {
    const s = await load(
      await tempTree({
        "shop/a.yaml": policyYaml("a"),
        "shop/b.YML": policyYaml("b"),
        "shop/c.json": JSON.stringify({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "c" },
        }),
        "shop/README.md": "# shop\n",
        ".git/config.yaml": "not: [valid\n",
        "shop/.hidden/d.yaml": policyYaml("d"),
      }),
    );
    expect(s.problems).toEqual([]);
    expect(names(s)).toEqual(["shop/a", "shop/b"]);
  });
});

describe("desired loader: lists", () => {
  it("reads a v1 List and a NetworkPolicyList whose items (raw API form) have no kind", async () => {
    const list =
      "apiVersion: v1\nkind: List\nitems:\n" +
      ["x", "v"]
        .map(
          (n) =>
            `  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: ${n}}\n    spec: {}\n`,
        )
        .join("");
    const typed =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nmetadata: {resourceVersion: "1"}\nitems:\n  - metadata: {name: z, namespace: cart}\n    spec: {podSelector: {}}\n';
    const s = await load(await tempTree({ "shop/list.yaml": list, "shop/typed.yaml": typed }));
    expect(s.problems).toEqual([]);
    expect(s.skipped).toEqual([]);
    expect(names(s)).toEqual(["shop/x", "shop/v", "cart/z"]);
    expect(s.policies.map((p) => ({ file: p.origin.file, line: p.origin.line }))).toEqual([
      { file: "shop/list.yaml", line: 4 },
      { file: "shop/list.yaml", line: 8 },
      { file: "shop/typed.yaml", line: 5 },
    ]);
  });

  it("reports a bad List item at the item's line and keeps the good items", async () => {
    const text =
      "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: good}\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      labels: {a: b}\n";
    const s = await load(await tempTree({ "shop/list.yaml": text }));
    expect(s.problems).toEqual([
      { file: "shop/list.yaml", line: 10, message: "NetworkPolicy has no metadata.name", namespace: "shop" },
    ]);
    expect(names(s)).toEqual(["shop/good"]);
  });
});

describe("desired loader: meant as a NetworkPolicy, but wrong", () => {
  const cases: [string, string, number, string][] = [
    [
      "no metadata at all",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: {}\n",
      1,
      "NetworkPolicy has no metadata.name",
    ],
    [
      "metadata without a name",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  labels: {team: shop}\nspec: {}\n",
      4,
      "NetworkPolicy has no metadata.name",
    ],
    [
      "an empty name",
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ""\n',
      4,
      "NetworkPolicy has no metadata.name",
    ],
    [
      "a name that is no DNS subdomain",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Allow_Web\n",
      4,
      "invalid name \"Allow_Web\": must be a DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most 253)",
    ],
    [
      "extensions/v1beta1",
      "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: old\n",
      1,
      "extensions/v1beta1 NetworkPolicy is not served by the API server: move it to apiVersion networking.k8s.io/v1",
    ],
    [
      "kind NetworkPolicy without apiVersion",
      "kind: NetworkPolicy\nmetadata:\n  name: no-version\n",
      1,
      'a NetworkPolicy needs apiVersion: networking.k8s.io/v1 and kind: NetworkPolicy, found apiVersion (none) and kind "NetworkPolicy"',
    ],
    [
      "a misspelt kind",
      "apiVersion: networking.k8s.io/v1\nkind: Networkpolicy\nmetadata:\n  name: typo\n",
      1,
      'a NetworkPolicy needs apiVersion: networking.k8s.io/v1 and kind: NetworkPolicy, found apiVersion "networking.k8s.io/v1" and kind "Networkpolicy"',
    ],
    [
      "a quoted numeric port",
      policyYaml("p", { extra: '  ingress:\n    - ports:\n        - port: "443"' }),
      10,
      'port "443" is a string: the API server takes it as a port name and refuses it; write port: 443',
    ],
    [
      "an unknown protocol",
      policyYaml("p", { extra: "  egress:\n    - ports:\n        - port: 443\n          protocol: HTTPS" }),
      11,
      'unsupported protocol "HTTPS": TCP, UDP or SCTP',
    ],
    [
      "an unquoted number as a label value",
      policyYaml("p").replace("podSelector: {}", "podSelector:\n    matchLabels:\n      version: 1.0"),
      8,
      "spec.podSelector.matchLabels.version must be a string (quote it: YAML reads yes/no/on/off as booleans and 1.0 as a number), found the number 1",
    ],
    [
      "three policyTypes",
      policyYaml("p").replace("[Ingress]", "[Ingress, Egress, Ingress]"),
      7,
      "may not specify more than two policyTypes",
    ],
  ];

  it.each(cases)("%s is a problem at its line", async (_what, text, line, message) => {
    const s = await load(await tempTree({ "shop/policy.yaml": text }));
    expect(s.problems).toEqual([{ file: "shop/policy.yaml", line, message, namespace: "shop" }]);
    expect(s.skipped).toEqual([]);
    expect(s.policies).toEqual([]);
  });

  it("honours YAML merge keys like kubectl does", async () => {
    const text =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: merged\nspec:\n  <<: &base {policyTypes: [Ingress, Egress]}\n  podSelector: {}\n";
    const s = await load(await tempTree({ "shop/merge.yaml": text }));
    expect(s.problems).toEqual([]);
    expect(s.policies[0]?.spec).toEqual({ podSelector: {}, policyTypes: ["Egress", "Ingress"] });
  });
});
