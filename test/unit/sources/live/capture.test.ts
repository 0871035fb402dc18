import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../fixtures/cli-context.js";
import { kubectlList, rawApiList, serverPolicy, type Json } from "../../../fixtures/server-shaped.js";
import { policyYaml, put, tempTree } from "../../../fixtures/temp-tree.js";

// A capture that is not the whole truth (one page, the wrong kind, one namespace, two copies, bad bytes)
// must never turn into "missing", "unmanaged" or "in sync": exit 2 naming the file.

const stored = { podSelector: {}, policyTypes: ["Ingress"] };
const shop = serverPolicy("shop", "web", stored);
const cart = serverPolicy("cart", "api", stored);

interface Out {
  complete: boolean;
  drift: { state: string; namespace: string; name: string }[];
  problems: { call?: string; message: string }[];
  notes?: string[];
  sources: { liveNamespaces?: string[] };
}

async function report(
  capture: string | Uint8Array,
  args: string[] = [],
  desired: Record<string, string> = {},
): Promise<{ code: number; json: Out; file: string }> {
  const files =
    Object.keys(desired).length > 0
      ? desired
      : { "desired/shop/web.yaml": policyYaml("web"), "desired/cart/api.yaml": policyYaml("api") };
  const root = await tempTree(files);
  const file = path.join(root, "capture.json");
  await put(root, "capture.json", capture);
  const r = await runCli([
    "report",
    "--desired",
    path.join(root, "desired"),
    "--live-file",
    file,
    "-o",
    "json",
    ...args,
  ]);
  return { code: r.code, json: JSON.parse(r.stdout) as Out, file };
}

function expectRefused(r: { code: number; json: Out; file: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.json.complete).toBe(false);
  expect(r.json.drift).toEqual([]);
  expect(r.json.problems.map((p) => p.call)).toContain(`read ${r.file}`);
  expect(r.json.problems.map((p) => p.message).join("\n")).toMatch(message);
}

const list = (items: Json[], metadata: Json) => JSON.stringify({ ...kubectlList(items), metadata });

describe("live capture: partial lists", () => {
  it.each([
    [
      "metadata.continue",
      { resourceVersion: "9", continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ" },
      /metadata\.continue is set/,
    ],
    ["remainingItemCount", { resourceVersion: "9", remainingItemCount: 40 }, /metadata\.remainingItemCount is 40/],
  ])("a List with %s is one page, not the cluster: exit 2", async (_what, metadata, message) => {
    expectRefused(await report(list([shop, cart], metadata)), message);
  });

  it("a raw NetworkPolicyList page is refused the same way", async () => {
    const page = { ...rawApiList([shop]), metadata: { resourceVersion: "9", continue: "abc" } };
    expectRefused(await report(JSON.stringify(page), ["-A"]), /one page of a paginated list/);
  });

  it("a List with an empty continue and remainingItemCount 0 is whole", async () => {
    const r = await report(list([shop, cart], { resourceVersion: "9", continue: "", remainingItemCount: 0 }));
    expect(r.code).toBe(0);
  });
});

describe("live capture: the wrong kind", () => {
  it("a List of Pods holds no NetworkPolicy: exit 2, not every desired policy missing", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0", namespace: "shop" } };
    expectRefused(await report(JSON.stringify(kubectlList([pod, pod])), ["-A"]), /holds no NetworkPolicy, only 2 Pod/);
  });

  it("an empty List is a cluster without policies when it covers every namespace", async () => {
    const r = await report(JSON.stringify(kubectlList([])), ["-A"]);
    expect(r.code).toBe(1);
    expect(r.json.drift.map((d) => d.state)).toEqual(["missing", "missing"]);
    expect(r.json.sources.liveNamespaces).toEqual(["*"]);
  });
});

describe("live capture: namespace scope", () => {
  it("a capture of one namespace does not call the other namespaces' policies missing", async () => {
    const r = await report(JSON.stringify(kubectlList([shop])));
    expectRefused(r, /holds NetworkPolicies of namespace shop only.*desired in cart.*pass -n shop/);
  });

  it("-n states the capture's scope: compared there, and the report says which namespaces it covered", async () => {
    const r = await report(JSON.stringify(kubectlList([shop])), ["-n", "shop"]);
    expect(r.code).toBe(0);
    expect(r.json.sources.liveNamespaces).toEqual(["shop"]);
  });

  it("-A states it covers every namespace: the other namespace's policy is missing", async () => {
    const r = await report(JSON.stringify(kubectlList([shop])), ["-A"]);
    expect(r.code).toBe(1);
    expect(r.json.drift.map((d) => `${d.state} ${d.namespace}/${d.name}`)).toEqual(["missing cart/api"]);
    expect(r.json.sources.liveNamespaces).toEqual(["*"]);
  });

  it("a namespace whose policies were all deleted is missing, never in sync", async () => {
    // -n: the empty capture of `kubectl get netpol -n cart`
    const scoped = await report(JSON.stringify(kubectlList([])), ["-n", "cart"]);
    expect(scoped.code).toBe(1);
    expect(scoped.json.drift.map((d) => `${d.state} ${d.namespace}/${d.name}`)).toEqual(["missing cart/api"]);
    // unstated, with no policy left at all: which it is cannot be told
    expectRefused(await report(JSON.stringify(kubectlList([]))), /holds no NetworkPolicy, so it cannot tell.*pass -A/);
    // unstated, two namespaces held: kubectl -n yields one, so this is the whole cluster
    const other = serverPolicy("blog", "web", stored);
    const all = await report(JSON.stringify(kubectlList([shop, other])), [], {
      "desired/shop/web.yaml": policyYaml("web"),
      "desired/cart/api.yaml": policyYaml("api"),
      "desired/blog/web.yaml": policyYaml("web"),
    });
    expect(all.code).toBe(1);
    expect(all.json.drift.map((d) => `${d.state} ${d.namespace}/${d.name}`)).toEqual(["missing cart/api"]);
    expect(all.json.sources.liveNamespaces).toEqual(["*"]);
  });

  it("a one-namespace capture of a one-namespace desired folder needs no flag", async () => {
    const r = await report(JSON.stringify(kubectlList([shop])), [], { "desired/shop/web.yaml": policyYaml("web") });
    expect(r.code).toBe(0);
    expect(r.json.sources.liveNamespaces).toEqual(["shop"]);
  });
});

describe("live capture: contents", () => {
  it("without managedFields the report says 'changed by' is unavailable", async () => {
    const bare = (p: Json) => {
      const { managedFields: _m, ...metadata } = p.metadata as Json;
      return { ...p, metadata };
    };
    const r = await report(JSON.stringify(kubectlList([bare(shop), cart])));
    expect(r.code).toBe(0);
    expect(r.json.notes).toEqual([
      expect.stringMatching(
        /^1 of the capture's policies carries no managedFields .*--show-managed-fields.*"changed by" is unavailable/,
      ),
    ]);
    const withAll = await report(JSON.stringify(kubectlList([shop, cart])));
    expect(withAll.json.notes).toBeUndefined();
  });

  it("the same namespace/name twice: exit 2 naming the file, no copy wins", async () => {
    const other = serverPolicy("shop", "web", { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] });
    expectRefused(
      await report(JSON.stringify(kubectlList([shop, cart, other]))),
      /NetworkPolicy shop\/web appears twice/,
    );
  });

  it("invalid UTF-8 (a latin-1 label): exit 2 naming the file and line", async () => {
    const labelled = serverPolicy("shop", "web", stored, { labels: { team: "caf\u00e9" } });
    const text = JSON.stringify(kubectlList([labelled, cart]), null, 2);
    const r = await report(Buffer.from(text, "latin1"));
    const line = text.split("\n").findIndex((l) => l.includes("caf")) + 1;
    expectRefused(r, new RegExp(`^line ${line}: not UTF-8`));
  });

  it.each([
    ["JSON", `{"apiVersion":"v1","kind":"List","items":[${"[".repeat(20000)}${"]".repeat(20000)}]}`],
    ["YAML", `apiVersion: v1\nkind: List\nitems:\n- ${"[".repeat(20000)}${"]".repeat(20000)}\n`],
  ])("20,000 nested [ in a %s capture: a clear problem naming the file, no stack overflow", async (_what, text) => {
    expectRefused(await report(text, ["-A"]), /nested more than 100 levels deep/);
  });
});

describe("live capture: objects no API server stores", () => {
  it.each(["fe80::%eth0/64", "10.0.0.0/33", "10.0.0.1"])(
    "an ipBlock CIDR %s: exit 2 naming the file, no crash",
    async (cidr) => {
      const edited = serverPolicy("shop", "web", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr } }] }],
      });
      expectRefused(
        await report(JSON.stringify(kubectlList([edited, cart]))),
        /NetworkPolicy shop\/web has ipBlock CIDR .*which no API server stores/,
      );
    },
  );
});
