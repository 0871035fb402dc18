import { describe, expect, it } from "vitest";
import { type AcceptItem, acceptDrift } from "../../../src/core/accept.js";
import { revertSteps } from "../../../src/core/revert.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { normalizeLive } from "../../helpers/normalize.js";
import { YAML_OPTIONS } from "../../../src/sources/desired/parse.js";
import { serverPolicy } from "../../fixtures/server-shaped.js";
import { accept, detect, ingressSpec, policyText, roundTrip } from "./accept-world.js";

const normalize = defaultNormalizeOptions();
const unmanaged = (namespace: string, name: string): AcceptItem => ({
  state: "unmanaged",
  live: normalizeLive(
    [serverPolicy(namespace, name, { podSelector: {}, policyTypes: ["Ingress"] })],
    normalize,
  )[0] as never,
});
const run = (items: AcceptItem[], paths: string[] = [], reserved?: string[]) =>
  acceptDrift({ files: new Map(), paths, items, reserved }, { normalize, yaml: YAML_OPTIONS() });

const web = (extra = "") =>
  policyText(
    "web",
    `  labels:
    app: web
    app.kubernetes.io/managed-by: Helm${extra}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
  );

describe("accept: names from the cluster are untrusted", () => {
  it.each([
    ["../etc", "passwd"],
    ["shop", "../../etc/passwd"],
    ["a/b", "web"],
    ["shop", "web/../../x"],
    ["shop", ".hidden"],
    ["Shop", "web"],
    ["shop", "web..x"],
    ["shop", ""],
    ["x".repeat(64), "web"],
  ])("refuses namespace %j name %j, writing nothing", (ns, name) => {
    const result = run([unmanaged(ns, name)]);
    expect(result.edits).toEqual([]);
    expect(result.refused).toEqual([{ state: "unmanaged", namespace: ns, name, reason: "bad-name" }]);
  });

  it("takes a dotted name (a DNS-1123 subdomain) as a file name", () => {
    expect(run([unmanaged("shop", "web.v2")]).edits.map((e) => e.path)).toEqual(["shop/web.v2.yaml"]);
  });

  it("never writes into the records folder, nor under a namespace folder that is a file", () => {
    expect(run([unmanaged("change-records", "x")], [], ["change-records/"]).refused[0]?.reason).toBe("reserved-folder");
    expect(run([unmanaged("ops", "x")], [], ["ops/records"]).edits.map((e) => e.path)).toEqual(["ops/x.yaml"]);
    expect(run([unmanaged("shop", "x")], ["shop"]).refused[0]?.reason).toBe("folder-is-a-file");
  });
});

describe("accept: what it will not edit", () => {
  it("refuses a policy that uses anchors or aliases, and writes nothing for it", async () => {
    const anchored = policyText(
      "web",
      `spec:
  podSelector: &sel {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: *sel}]
`,
    );
    const live = [
      serverPolicy("shop", "web", {
        podSelector: { matchLabels: { app: "api" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      }),
    ];
    const world = await detect({ "shop/web.yaml": anchored }, live);
    expect(world.drift.map((d) => d.state)).toEqual(["modified"]);
    expect(accept(world)).toEqual({
      edits: [],
      refused: [
        { state: "modified", namespace: "shop", name: "web", file: "shop/web.yaml", reason: "yaml-references" },
      ],
    });

    // The other policies of that file are still accepted, and only the refused one keeps drifting.
    const files = { "shop/web.yaml": `${anchored}---\n${web().replace("name: web", "name: other")}` };
    const both = [
      ...live,
      serverPolicy("shop", "other", { podSelector: {}, policyTypes: ["Egress"] }, { labels: { app: "web" } }),
    ];
    const { result, after } = await roundTrip(files, both);
    expect(result.refused.map((r) => `${r.name} ${r.reason}`)).toEqual(["web yaml-references"]);
    expect(result.edits.map((e) => e.path)).toEqual(["shop/web.yaml"]);
    expect(after.drift.map((d) => `${d.state} ${d.name}`)).toEqual(["modified web"]);
  });

  it("never edits a file reached through a symbolic link (shared by several folders)", async () => {
    const live = [serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })];
    const world = await detect({ "shop/web.yaml": web() }, live);
    const result = acceptDrift(
      { files: new Map(Object.entries(world.files)), paths: [], items: world.items, linked: ["shop/web.yaml"] },
      { normalize, yaml: YAML_OPTIONS() },
    );
    expect(result).toEqual({
      edits: [],
      refused: [{ state: "modified", namespace: "shop", name: "web", file: "shop/web.yaml", reason: "linked-file" }],
    });
  });

  it("refuses when the file is not the one the loader read (gone, changed, or broken)", async () => {
    const live = [serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })];
    const world = await detect({ "shop/web.yaml": web() }, live);
    const attempt = (text: string | undefined) =>
      acceptDrift(
        { files: new Map(text === undefined ? [] : [["shop/web.yaml", text]]), paths: [], items: world.items },
        { normalize, yaml: YAML_OPTIONS() },
      ).refused.map((r) => r.reason);
    expect(attempt(undefined)).toEqual(["not-found"]);
    expect(attempt(web().replace("name: web", "name: other"))).toEqual(["not-found"]);
    expect(attempt(`${web()}  bad: [\n`)).toEqual(["unparsable"]);
    expect(attempt(web())).toEqual([]);
  });
});

describe("accept: what is compared is what is edited", () => {
  it("keeps labels that are not compared (tool-managed), and edits only compared annotations", async () => {
    const opts = { ...normalize, compareAnnotations: ["owner"] };
    const live = [
      serverPolicy(
        "shop",
        "web",
        { podSelector: {}, policyTypes: ["Ingress"] },
        {
          labels: { app: "web", "app.kubernetes.io/managed-by": "Argo" },
          annotations: { owner: "team-b", "not/compared": "x" },
        },
      ),
    ];
    const { result, edited, after } = await roundTrip(
      { "shop/web.yaml": web("\n  annotations:\n    owner: team-a\n    note: keep") },
      live,
      opts,
    );
    expect(result.refused).toEqual([]);
    const text = edited["shop/web.yaml"] as string;
    expect(text).toContain("    app.kubernetes.io/managed-by: Helm\n");
    expect(text).toContain("    owner: team-b\n    note: keep\n");
    expect(text).not.toContain("not/compared");
    expect(after.drift).toEqual([]);
  });

  it("edits matchExpressions and ipBlock excepts as sets, keeping the items that still hold", async () => {
    const file = policyText(
      "web",
      `spec:
  podSelector:
    matchExpressions:
      - {key: tier, operator: In, values: [front, edge]}  # both tiers
      - {key: legacy, operator: DoesNotExist}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except: [10.0.0.0/8, 192.168.0.0/16]
`,
    );
    const live = [
      serverPolicy("shop", "web", {
        podSelector: {
          matchExpressions: [
            { key: "tier", operator: "In", values: ["edge", "front"] },
            { key: "canary", operator: "Exists" },
          ],
        },
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12"] } }] }],
      }),
    ];
    const { result, edited, after } = await roundTrip({ "shop/web.yaml": file }, live);
    expect(result.refused).toEqual([]);
    const text = edited["shop/web.yaml"] as string;
    expect(text).toContain("      - {key: tier, operator: In, values: [front, edge]}  # both tiers\n");
    expect(text).not.toContain("legacy");
    expect(text).toContain("canary");
    expect(text).toContain("except: [10.0.0.0/8, 172.16.0.0/12]");
    expect(after.drift).toEqual([]);
  });

  it("reads a file as kubectl does (YAML 1.1): an unquoted `on` label is a boolean there, so it is no match", async () => {
    // `enabled: on` is refused by the loader (a label must be a string): the file is broken, nothing is accepted.
    const world = await detect({ "shop/web.yaml": web("\n    enabled: on") }, [
      serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress"] }),
    ]);
    expect(world.problems.length).toBeGreaterThan(0);
    expect(world.items).toEqual([]);
  });
});

describe("accept: hostile values from the cluster", () => {
  it("writes an annotation with newlines, quotes and control characters so that it reads back exactly", async () => {
    const opts = { ...normalize, compareAnnotations: ["note"] };
    const note = "line 1\n  line 2: 'x' \"y\" # not a comment\u001b[31m\u202e\t---\n...";
    const live = [
      serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress"] }, { annotations: { note } }),
      serverPolicy("shop", "new", { podSelector: {}, policyTypes: ["Ingress"] }, { annotations: { note } }),
    ];
    const { result, after } = await roundTrip(
      { "shop/web.yaml": policyText("web", "spec:\n  podSelector: {}\n") },
      live,
      opts,
    );
    expect(result.refused).toEqual([]);
    expect(result.edits.map((e) => e.path).sort()).toEqual(["shop/new.yaml", "shop/web.yaml"]);
    expect(after.drift).toEqual([]);
  });
});

describe("accept: empty collections given content", () => {
  it("writes `{}` and `[]` that gain content as blocks, and the next run is in sync", async () => {
    const file = policyText(
      "web",
      `  labels: {}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: []
`,
    );
    const live = [serverPolicy("shop", "web", ingressSpec("web", [{ podSelector: {} }]), { labels: { app: "web" } })];
    const { result, edited, after } = await roundTrip({ "shop/web.yaml": file }, live);
    expect(result.refused).toEqual([]);
    expect(edited["shop/web.yaml"]).toBe(
      policyText(
        "web",
        `  labels:
    app: web
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {}
`,
      ),
    );
    expect(after.drift).toEqual([]);
  });
});

describe("revert steps", () => {
  it("applies a one-policy file as the file, another document on stdin, with the patch apply cannot do", async () => {
    const two = `${web()}---\n${web().replace("name: web", "name: api")}`;
    const live = [
      serverPolicy(
        "shop",
        "web",
        { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] },
        { labels: { app: "web", extra: "x" } },
      ),
      serverPolicy("shop", "api", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, { labels: { app: "web" } }),
    ];
    const single = await detect({ "shop/web.yaml": web() }, live.slice(0, 1));
    expect(
      revertSteps(
        { items: single.items, files: new Map(Object.entries(single.files)), desiredDir: "ops/policies/" },
        YAML_OPTIONS(),
      ),
    ).toEqual([
      {
        state: "modified",
        namespace: "shop",
        name: "web",
        file: "ops/policies/shop/web.yaml",
        patch: { metadata: { labels: { extra: null } }, spec: { egress: null, policyTypes: ["Ingress"] } },
      },
    ]);
    const multi = await detect({ "shop/both.yaml": two }, live);
    const steps = revertSteps(
      { items: multi.items, files: new Map(Object.entries(multi.files)), desiredDir: "" },
      YAML_OPTIONS(),
    );
    expect(steps.map((s) => [s.name, s.file, s.document?.includes(`name: ${s.name}\n`)])).toEqual([
      ["api", undefined, true],
      ["web", undefined, true],
    ]);
    expect(steps[0]?.document).toBe(
      policyText(
        "api",
        `  namespace: shop
  labels:
    app: web
spec:
  podSelector: {}
  policyTypes:
    - Ingress
`,
      ),
    );
  });
});
