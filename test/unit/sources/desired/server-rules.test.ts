import { describe, expect, it } from "vitest";
import { defaultNormalizeOptions } from "../../../../src/model/types.js";
import { loadNormalized } from "../../../helpers/desired.js";
import { link, policyYaml, tempTree } from "../../../fixtures/temp-tree.js";

// What the API server refuses must be a problem with file and line, never a permanent "modified"; what
// kubectl reads differently (YAML 1.1) must read the same here. The e2e parity suite checks the same rules
// against a real kube-apiserver.

const load = (root: string) => loadNormalized(root, { normalize: defaultNormalizeOptions() });

/** A policy whose lines 7… are `body` (lines 1-6: header, name p, `spec:`, `podSelector: {}`). */
const policy = (body: string[], header = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy") =>
  [header, "metadata:", "  name: p", "spec:", "  podSelector: {}", ...body, ""].join("\n");
const peerIn = (...peer: string[]) => [
  "  ingress:",
  "    - from:",
  ...peer.map((l, i) => `${i === 0 ? "        - " : "          "}${l}`),
];

const refused: [string, string, number, RegExp, string?][] = [
  [
    "a /33 prefix",
    policy(peerIn("ipBlock: {cidr: 10.0.0.0/33}")),
    9,
    /invalid CIDR "10\.0\.0\.0\/33": must be a valid CIDR/,
  ],
  [
    "host bits set",
    policy(peerIn("ipBlock: {cidr: 192.168.242.213/24}")),
    9,
    /must not have bits set beyond the prefix length \(the network is 192\.168\.242\.0\/24\)/,
  ],
  ["leading zeros in an octet", policy(peerIn("ipBlock: {cidr: 010.0.0.0/8}")), 9, /must not have leading 0s/],
  ["leading zeros in the prefix", policy(peerIn("ipBlock: {cidr: 10.0.0.0/08}")), 9, /must not have leading 0s/],
  ["no prefix length", policy(peerIn("ipBlock: {cidr: 10.0.0.1}")), 9, /no prefix length/],
  ["an IPv6 zone", policy(peerIn('ipBlock: {cidr: "fe80::%eth0/64"}')), 9, /invalid CIDR "fe80::%eth0\/64"/],
  ["an IPv4-mapped IPv6 CIDR", policy(peerIn('ipBlock: {cidr: "::ffff:10.0.0.0/104"}')), 9, /IPv4-mapped/],
  [
    "an except outside its cidr",
    policy(peerIn("ipBlock:", "  cidr: 10.0.0.0/8", "  except: [11.0.0.0/16]")),
    11,
    /except "11\.0\.0\.0\/16" must be a strict subset of cidr "10\.0\.0\.0\/8"/,
  ],
  [
    "an except equal to its cidr",
    policy(peerIn("ipBlock:", "  cidr: 10.0.0.0/8", "  except: [10.0.0.0/8]")),
    11,
    /strict subset/,
  ],
  [
    "operator Equals",
    policy(peerIn("podSelector:", "  matchExpressions:", "    - {key: app, operator: Equals, values: [a]}")),
    11,
    /unsupported operator "Equals"/,
  ],
  [
    "Exists with values",
    policy(
      peerIn("podSelector:", "  matchExpressions:", "    - key: app", "      operator: Exists", "      values: [a]"),
    ),
    13,
    /values may not be given when operator is Exists/,
  ],
  [
    "In with values: []",
    policy(peerIn("podSelector:", "  matchExpressions:", "    - key: app", "      operator: In", "      values: []")),
    13,
    /values must be given when operator is In/,
  ],
  [
    "an invalid selector value",
    policy(
      peerIn("podSelector:", "  matchExpressions:", "    - key: app", "      operator: In", '      values: ["a b"]'),
    ),
    13,
    /invalid label value "a b"/,
  ],
  [
    "a peer with neither selector nor ipBlock",
    policy(["  ingress:", "    - from:", "        - {}"]),
    9,
    /a peer must give podSelector, namespaceSelector or ipBlock/,
  ],
  [
    "an ipBlock with a selector",
    policy(peerIn("ipBlock: {cidr: 10.0.0.0/8}", "podSelector: {}")),
    9,
    /may not give ipBlock together with a selector/,
  ],
  [
    "a label key with a space",
    policy(peerIn("podSelector:", '  matchLabels: {"bad key": x}')),
    10,
    /invalid label key "bad key"/,
  ],
  [
    "a label key with @",
    policy(peerIn("namespaceSelector:", "  matchLabels: {app@b: x}")),
    10,
    /invalid label key "app@b"/,
  ],
  [
    "an empty label key",
    policy(peerIn("podSelector:", '  matchLabels: {"": x}')),
    10,
    /invalid label key "": is empty/,
  ],
  [
    "a label key with a bad prefix",
    policy(peerIn("podSelector:", '  matchLabels: {"Example.com/app": x}')),
    10,
    /prefix that is not a DNS-1123 subdomain/,
  ],
  [
    "endPort without port",
    policy(["  egress:", "    - ports:", "        - endPort: 90"]),
    9,
    /endPort may not be given without port/,
  ],
  [
    "endPort below port",
    policy(["  egress:", "    - ports:", "        - port: 100", "          endPort: 90"]),
    10,
    /endPort 90 must be greater than or equal to port 100/,
  ],
  [
    "endPort with a named port",
    policy(["  egress:", "    - ports:", "        - port: http", "          endPort: 90"]),
    10,
    /endPort may not be given when port is a name/,
  ],
  ["port 0", policy(["  egress:", "    - ports:", "        - port: 0"]), 9, /port 0 is out of range/],
  ["a policyType Foo", policy(["  policyTypes: [Ingress, Foo]"]), 7, /unsupported policyType "Foo"/],
  ["spec.ingres", policy(["  ingres: []"]), 7, /unknown field "spec\.ingres" \(did you mean "ingress"\?\)/],
  ["a status", policy(["status: {}"]), 7, /unknown field "status"/],
  // Names Object.prototype has are fields like any other: unknown, never Object's own (which read as a shape).
  ["spec.constructor", policy(["  constructor: x"]), 7, /unknown field "spec\.constructor": the API server refuses it/],
  [
    "a toString in a peer",
    policy(["  egress:", "    - to:", "        - toString: 1"]),
    9,
    /unknown field "spec\.egress\.0\.to\.0\.toString"/,
  ],
  [
    "metadata.nmae",
    policy([]).replace("  name: p", "  name: p\n  nmae: q"),
    5,
    /unknown field "metadata\.nmae" \(did you mean "name"\?\)/,
  ],
  [
    "PodSelector in the wrong case",
    policy(["  PodSelector: {}"]),
    7,
    /unknown field "spec\.PodSelector" \(did you mean "podSelector"\?\)/,
  ],
  [
    "ports as a string",
    policy(["  egress:", '    - ports: "80"']),
    8,
    /spec\.egress\.0\.ports must be a list, found the string "80"/,
  ],
  [
    "podSelector as a list",
    policy(["  egress:", "    - to:", "        - podSelector: []"]),
    9,
    /must be a mapping, found a list/,
  ],
  [
    "a fractional port",
    policy(["  egress:", "    - ports:", "        - port: 80.5"]),
    9,
    /must be a port number or a port name, found the number 80.5/,
  ],
  [
    "team: yes (a YAML 1.1 boolean to kubectl)",
    policy([]).replace("  name: p", "  name: p\n  labels:\n    team: yes"),
    6,
    /metadata\.labels\.team must be a string .*found the boolean true/,
  ],
  [
    "a YAML 1.1 boolean as a selector value",
    policy(peerIn("podSelector:", "  matchLabels: {env: off}")),
    10,
    /found the boolean false/,
  ],
  [
    "a label value of 64 characters",
    policy([]).replace("  name: p", `  name: p\n  labels:\n    team: ${"a".repeat(64)}`),
    6,
    /invalid label value/,
  ],
  [
    "networking.k8s.io/v1beta1",
    policy([], "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy"),
    1,
    /networking\.k8s\.io\/v1beta1 NetworkPolicy is not served by the API server/,
  ],
  ["a core v1 NetworkPolicy", policy([], "apiVersion: v1\nkind: NetworkPolicy"), 1, /v1 NetworkPolicy is not served/],
  ["a name with an upper case letter", policy([]).replace("name: p", "name: Web"), 4, /invalid name "Web"/],
  [
    "an invalid metadata.namespace",
    policy([]).replace("  name: p", "  name: p\n  namespace: Team_A"),
    5,
    /invalid namespace "Team_A"/,
    "Team_A",
  ],
  [
    "20,000 nested [",
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}, egress: ${"[".repeat(20000)}${"]".repeat(20000)}}\n`,
    1,
    /nested more than 100 levels deep/,
  ],
];

describe("desired loader: what the API server refuses is a problem at the offending field's line", () => {
  it.each(refused)("%s", async (_what, text, line, message, namespace = "shop") => {
    const s = await load(await tempTree({ "shop/p.yaml": text }));
    expect(s.policies).toEqual([]);
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toMatchObject({ file: "shop/p.yaml", line, namespace });
    expect(s.problems[0]?.message).toMatch(message);
  });

  it.each([
    [
      "a canonical IPv4 CIDR and a strict-subset except",
      peerIn("ipBlock:", "  cidr: 10.0.0.0/8", "  except: [10.1.0.0/16, 10.2.3.4/32]"),
    ],
    [
      "non-canonical IPv6 spelling (the server only warns)",
      peerIn("ipBlock:", '  cidr: "2001:DB8:0:0::/64"', '  except: ["2001:db8::/96"]'),
    ],
    [
      "a /0 and a named port",
      [...peerIn("ipBlock: {cidr: 0.0.0.0/0}"), "      ports: [{port: https, protocol: SCTP}]"],
    ],
    [
      "a prefixed label key and Exists without values",
      peerIn(
        "podSelector:",
        "  matchLabels: {app.kubernetes.io/name: web}",
        "  matchExpressions: [{key: tier, operator: Exists}]",
      ),
    ],
    ["both selectors in one peer (AND)", peerIn("podSelector: {}", "namespaceSelector: {matchLabels: {team: a}}")],
    [
      "nulls where the server reads absent",
      [
        "  ingress: null",
        "  egress:",
        "    - ports:",
        "        - port: 53",
        "          endPort: null",
        "          protocol: null",
      ],
    ],
  ])("accepts %s", async (_what, body) => {
    const s = await load(await tempTree({ "shop/p.yaml": policy(body) }));
    expect(s.problems).toEqual([]);
    expect(s.policies).toHaveLength(1);
  });
});

describe("desired loader: YAML as kubectl reads it (YAML 1.1, go-yaml v2)", () => {
  it('8_080 is the port 8080, `on:` is the label key "true", a null label value is no label', async () => {
    const text = policy([
      ...peerIn("podSelector:", '  matchLabels: {on: "x"}'),
      "      ports: [{port: 8_080}]",
    ]).replace("  name: p", "  name: p\n  labels:\n    app:\n    team: a");
    const s = await load(await tempTree({ "shop/p.yaml": text }));
    expect(s.problems).toEqual([]);
    const p = s.policies[0];
    expect(p?.labels).toEqual({ team: "a" });
    expect(p?.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { true: "x" } } }], ports: [{ port: 8080, protocol: "TCP" }] },
    ]);
  });
});

describe("desired loader: a folder that is not what is applied", () => {
  it("a namespace folder whose name cannot be a namespace is a problem, not 'missing'", async () => {
    const s = await load(await tempTree({ "Team_A/web.yaml": policyYaml("web") }));
    expect(s.policies).toEqual([]);
    expect(s.problems).toEqual([
      {
        file: "Team_A/web.yaml",
        line: 1,
        namespace: "Team_A",
        message: expect.stringMatching(
          /^invalid namespace "Team_A": must be a DNS-1123 label .*\(from the folder name Team_A\/\)$/,
        ),
      },
    ]);
  });

  it("a namespace folder that is a dangling symlink is a problem for that namespace", async () => {
    const root = await tempTree({ "shop/web.yaml": policyYaml("web") });
    await link(root, "tenant-a", "../nowhere");
    await link(root, "README.md", "../nowhere.md");
    const s = await load(root);
    expect(s.problems).toEqual([
      { file: "tenant-a", namespace: "tenant-a", message: expect.stringMatching(/^broken symlink: /) },
    ]);
    expect(s.policies).toHaveLength(1);
  });

  it.each(["namePrefix: prod-", "nameSuffix: -v2", "namespace: other", "commonLabels: {env: prod}"])(
    "a kustomization.yaml with `%s` is a problem naming it",
    async (field) => {
      const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml]\n${field}\n`;
      const s = await load(
        await tempTree({ "shop/web.yaml": policyYaml("web"), "shop/kustomization.yaml": kustomization }),
      );
      expect(s.problems).toEqual([
        {
          file: "shop/kustomization.yaml",
          line: 4,
          namespace: "shop",
          message: expect.stringMatching(/^kustomization transforms what is applied \(\w+\): .*kustomize build/),
        },
      ]);
    },
  );

  it("a kustomization.yaml that only lists resources is fine (skipped)", async () => {
    const s = await load(
      await tempTree({ "shop/web.yaml": policyYaml("web"), "shop/kustomization.yaml": "resources: [web.yaml]\n" }),
    );
    expect(s.problems).toEqual([]);
    expect(s.policies).toHaveLength(1);
  });
});

describe("desired loader: null entries", () => {
  it("a null port entry is every port of TCP, as the API server stores it", async () => {
    const s = await load(await tempTree({ "shop/p.yaml": policy(["  ingress:", "    - ports: [null, {port: 80}]"]) }));
    expect(s.problems).toEqual([]);
    expect(s.policies[0]?.spec.ingress).toEqual([{ ports: [{ port: 80, protocol: "TCP" }, { protocol: "TCP" }] }]);
  });

  it('a null selector value is the value "" and a null rule allows all, as Go decodes them', async () => {
    const s = await load(
      await tempTree({
        "shop/p.yaml": policy(["  ingress: [null]"]).replace(
          "podSelector: {}",
          "podSelector: {matchExpressions: [{key: app, operator: In, values: [null, web]}]}",
        ),
      }),
    );
    expect(s.problems).toEqual([]);
    expect(s.policies[0]?.spec.podSelector).toEqual({
      matchExpressions: [{ key: "app", operator: "In", values: ["", "web"] }],
    });
    expect(s.policies[0]?.spec.ingress).toEqual([{}]);
  });

  it("a matchLabels entry without a value is refused on purpose: apply and create read it differently", async () => {
    const s = await load(
      await tempTree({ "shop/p.yaml": policy(peerIn("podSelector:", "  matchLabels:", "    app:")) }),
    );
    expect(s.problems).toEqual([
      {
        file: "shop/p.yaml",
        line: 11,
        namespace: "shop",
        message: expect.stringMatching(/^matchLabels "app" has no value: kubectl apply drops it/),
      },
    ]);
  });
});

describe("desired loader: lists in another version", () => {
  it("a networking.k8s.io/v1beta1 NetworkPolicyList's items are problems, not skipped", async () => {
    const text =
      "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicyList\nitems:\n  - metadata: {name: a}\n    spec: {}\n";
    const s = await load(await tempTree({ "shop/list.yaml": text }));
    expect(s.skipped).toEqual([]);
    expect(s.problems).toEqual([
      {
        file: "shop/list.yaml",
        line: 4,
        namespace: "shop",
        message: expect.stringMatching(/^networking\.k8s\.io\/v1beta1 NetworkPolicy is not served/),
      },
    ]);
  });
});
