import { describe, expect, it } from "vitest";
import { defaultNormalizeOptions, type DesiredState } from "../../../../src/model/types.js";
import { reportOutcome } from "../../../../src/core/detect.js";
import { buildReport } from "../../../helpers/report.js";
import { loadNormalized } from "../../../helpers/desired.js";
import { serverPolicy } from "../../../fixtures/server-shaped.js";
import { policyYaml, tempTree } from "../../../fixtures/temp-tree.js";

const load = (root: string, defaultNamespace?: string) =>
  loadNormalized(root, { normalize: defaultNormalizeOptions(), defaultNamespace });
const keys = (s: DesiredState) => s.policies.map((p) => `${p.namespace}/${p.name}`);

describe("desired loader: the namespace of a policy", () => {
  it("takes metadata.namespace over the folder, the folder over the default", async () => {
    const root = await tempTree({
      "shop/own.yaml": policyYaml("own", { namespace: "cart" }),
      "shop/folder.yaml": policyYaml("folder"),
      "shop/deep/nested/deeper.yaml": policyYaml("deeper"),
      "root.yaml": policyYaml("at-root"),
      "root-named.yaml": policyYaml("at-root-named", { namespace: "billing" }),
    });
    const s = await load(root, "fallback");
    expect(s.problems).toEqual([]);
    expect(keys(s).sort()).toEqual([
      "billing/at-root-named",
      "cart/own",
      "fallback/at-root",
      "shop/deeper",
      "shop/folder",
    ]);
  });

  it("is a problem naming file and line when nothing gives a namespace", async () => {
    const s = await load(await tempTree({ "root.yaml": "# a policy at the root\n" + policyYaml("orphan") }));
    expect(s.problems).toEqual([
      {
        file: "root.yaml",
        line: 2,
        namespace: "*",
        message:
          'NetworkPolicy "orphan" has no metadata.namespace, is not in a namespace folder, and no --default-namespace is set',
      },
    ]);
    expect(s.policies).toEqual([]);
  });
});

describe("desired loader: the same policy declared twice", () => {
  it("names both places, across two files, and drops both", async () => {
    const root = await tempTree({
      "shop/a.yaml": policyYaml("web"),
      "shop/b.yaml": "# copy\n---\n" + policyYaml("web", { namespace: "shop" }),
      "shop/c.yaml": policyYaml("other"),
    });
    const s = await load(root);
    expect(s.problems).toEqual([
      {
        file: "shop/b.yaml",
        line: 3,
        namespace: "shop",
        name: "web",
        message: "shop/web is declared twice: here and at shop/a.yaml:1",
      },
      {
        file: "shop/a.yaml",
        line: 1,
        namespace: "shop",
        name: "web",
        message: "shop/web is declared twice: here and at shop/b.yaml:3",
      },
    ]);
    expect(keys(s)).toEqual(["shop/other"]);
  });

  it("catches a duplicate inside one multi-document file", async () => {
    const s = await load(await tempTree({ "shop/both.yaml": policyYaml("web") + "---\n" + policyYaml("web") }));
    expect(s.problems.map((p) => [p.file, p.line])).toEqual([
      ["shop/both.yaml", 9],
      ["shop/both.yaml", 1],
    ]);
  });
});

describe("desired problems withhold verdicts instead of inventing drift", () => {
  const live = [
    serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress"] }),
    serverPolicy("shop", "hand-made", { podSelector: {}, policyTypes: ["Ingress"] }),
    serverPolicy("cart", "api", { podSelector: {}, policyTypes: ["Ingress"] }),
    serverPolicy("cart", "stray", { podSelector: {}, policyTypes: ["Ingress"] }),
  ];
  const report = (desired: DesiredState) =>
    buildReport(
      desired,
      { objects: live, cluster: "test", origin: "file: test", requests: 1 },
      {
        scope: { namespaces: [], exclude: [] },
        normalize: defaultNormalizeOptions(),
        desiredRoot: "desired",
        generatedAt: "2025-06-12T08:00:00.000Z",
      },
    );

  it("never calls a live-only policy unmanaged in the namespace of a broken file", async () => {
    const s = await load(
      await tempTree({
        "shop/web.yaml": policyYaml("web"),
        "shop/broken.yaml": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: hand-made\n",
        "cart/api.yaml": policyYaml("api"),
      }),
    );
    const r = report(s);
    expect(r.complete).toBe(false);
    expect(reportOutcome(r)).toBe("incomplete");
    expect(r.withheld).toEqual(["shop"]);
    expect(r.drift.map((d) => [d.state, d.namespace, d.name])).toEqual([["unmanaged", "cart", "stray"]]);
    expect(r.summary).toEqual({ desired: 2, live: 4, inSync: 2, missing: 0, unmanaged: 1, modified: 0 });
  });

  it("withholds the namespace a broken document names, even outside its folder", async () => {
    const broken =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: stray\n  namespace: cart\n  labels: {a: [b}\n";
    const s = await load(
      await tempTree({
        "shop/web.yaml": policyYaml("web"),
        "shop/hand-made.yaml": policyYaml("hand-made"),
        "shop/x.yaml": broken,
        "cart/api.yaml": policyYaml("api"),
      }),
    );
    expect(s.problems.map((p) => [p.file, p.line, p.namespace])).toEqual([["shop/x.yaml", 6, "*"]]);
    const r = report(s);
    expect(r.withheld).toEqual(["*"]);
    expect(r.drift).toEqual([]);
  });

  it("withholds only the key declared twice, not its namespace", async () => {
    const s = await load(
      await tempTree({
        "shop/web.yaml": policyYaml("web"),
        "shop/web-copy.yaml": policyYaml("web"),
        "cart/api.yaml": policyYaml("api"),
      }),
    );
    const r = report(s);
    expect(r.withheld).toEqual(["shop/web"]);
    expect(r.drift.map((d) => [d.state, d.namespace, d.name])).toEqual([
      ["unmanaged", "cart", "stray"],
      ["unmanaged", "shop", "hand-made"],
    ]);
    expect(reportOutcome(r)).toBe("incomplete");
  });

  it("withholds everything for a broken file at the root with no namespace", async () => {
    const s = await load(await tempTree({ "broken.yaml": "kind: [\n", "shop/web.yaml": policyYaml("web") }));
    expect(s.problems.map((p) => [p.file, p.line, p.namespace])).toEqual([["broken.yaml", 1, "*"]]);
    const r = report(s);
    expect(r.withheld).toEqual(["*"]);
    expect(r.drift).toEqual([]);
  });
});
