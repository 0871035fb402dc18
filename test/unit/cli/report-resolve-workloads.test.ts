import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHttpServer, type RecordedRequest, type Reply } from "../../helpers/fake-http.js";
import { runCli } from "../../fixtures/cli-context.js";
import { serverPolicy, type Json } from "../../fixtures/server-shaped.js";
import { put, tempTree } from "../../fixtures/temp-tree.js";

// `report --resolve-workloads` against a stand-in API server (the list endpoints client-node calls, with
// limit/continue paging), reached through a kubeconfig like any cluster: namespaces and pods come from the
// same server and credentials as the NetworkPolicies.

const TOKEN = "fake-token-0123456789";
const DENY = { podSelector: {}, policyTypes: ["Ingress"] };
const denyYaml =
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n";
const webHttp = serverPolicy("shop", "web-http", {
  podSelector: { matchLabels: { app: "web" } },
  ingress: [
    {
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cart" } } }],
      ports: [{ protocol: "TCP", port: "http" }],
    },
  ],
  policyTypes: ["Ingress"],
});
const ns = (name: string): Json => ({ metadata: { name, labels: { "kubernetes.io/metadata.name": name } } });
const pod = (namespace: string, name: string, labels: Json, ports: Json[] = []): Json => ({
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: "c", image: "x", ports }] },
  status: { phase: "Running", podIP: "10.0.0.1" },
});

const LISTS: Record<string, { kind: string; items: Json[] }> = {
  "/apis/networking.k8s.io/v1/networkpolicies": {
    kind: "NetworkPolicyList",
    items: [serverPolicy("shop", "default-deny", DENY), serverPolicy("cart", "default-deny", DENY), webHttp],
  },
  "/api/v1/namespaces": { kind: "NamespaceList", items: [ns("shop"), ns("cart")] },
  "/api/v1/pods": {
    kind: "PodList",
    items: [
      pod("shop", "web-1", { app: "web" }, [{ name: "http", containerPort: 8080, protocol: "TCP" }]),
      pod("cart", "api-1", { app: "api" }),
    ],
  },
};

/** A page of `limit` items from offset `continue`, like the API server's chunked lists. */
function list(req: RecordedRequest): Reply {
  if (req.headers.authorization !== `Bearer ${TOKEN}`)
    return {
      status: 401,
      body: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401 },
    };
  const all = LISTS[req.path];
  if (!all || req.method !== "GET")
    return {
      status: 404,
      body: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 },
    };
  const limit = Number(req.query.get("limit") ?? all.items.length);
  const from = Number(req.query.get("continue") ?? 0);
  const items = all.items.slice(from, from + limit);
  const next = from + limit < all.items.length ? String(from + limit) : undefined;
  return {
    status: 200,
    body: {
      apiVersion: req.path.startsWith("/apis/") ? "networking.k8s.io/v1" : "v1",
      kind: all.kind,
      metadata: { resourceVersion: "1", ...(next ? { continue: next } : {}) },
      items,
    },
  };
}

let api: FakeHttpServer;
beforeEach(async () => {
  api = await new FakeHttpServer(list).start();
});
afterEach(async () => {
  await api.close();
});

async function setup(): Promise<{ desired: string; kubeconfig: string }> {
  const root = await tempTree({
    "desired/shop/default-deny.yaml": denyYaml,
    "desired/cart/default-deny.yaml": denyYaml,
  });
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "current-context: fake",
    // Plain http to 127.0.0.1: client-node allows it only with TLS verification off.
    `clusters: [{name: fake, cluster: {server: ${JSON.stringify(api.url)}, insecure-skip-tls-verify: true}}]`,
    `users: [{name: fake, user: {token: ${TOKEN}}}]`,
    "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
    "",
  ].join("\n");
  await put(root, "kubeconfig", kubeconfig);
  return { desired: path.join(root, "desired"), kubeconfig: path.join(root, "kubeconfig") };
}

type Out = {
  complete: boolean;
  effects: { namespace: string; opened: { ports: string }[] }[];
  analysis: { workloads: string };
  problems: { call?: string; message: string }[];
  sources: { workloads?: string };
};

describe("report --resolve-workloads", () => {
  it("lists namespaces and pods page by page with the same kubeconfig; the named port resolves", async () => {
    const { desired, kubeconfig } = await setup();
    const r = await runCli([
      "report",
      "--desired",
      desired,
      "--kubeconfig",
      kubeconfig,
      "--page-size",
      "1",
      "--resolve-workloads",
      "-o",
      "json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.complete).toBe(true);
    expect(out.analysis.workloads).toBe("capture");
    expect(out.sources.workloads).toBe(`cluster ${api.url}`);
    expect(out.effects.find((e) => e.namespace === "shop")!.opened.map((f) => f.ports)).toEqual(["8080"]);
    const calls = (p: string) => api.requests.filter((q) => q.path === p).map((q) => q.query.get("continue") ?? "");
    expect(calls("/api/v1/namespaces")).toEqual(["", "1"]);
    expect(calls("/api/v1/pods")).toEqual(["", "1"]);
    expect(api.requests.every((q) => q.method === "GET")).toBe(true); // read-only
  });

  it("without the RBAC grant: exit 2, a problem naming the API call and the optional role; the drift still listed", async () => {
    const { desired, kubeconfig } = await setup();
    api.inject({
      match: (q) => q.path === "/api/v1/pods",
      times: Infinity,
      status: 403,
      body: {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        message:
          'pods is forbidden: User "system:serviceaccount:netpol-drift:netpol-drift" cannot list resource "pods"',
      },
    });
    const r = await runCli([
      "report",
      "--desired",
      desired,
      "--kubeconfig",
      kubeconfig,
      "--resolve-workloads",
      "-o",
      "json",
    ]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as Out & { drift: unknown[] };
    expect(out.complete).toBe(false);
    expect(out.drift).toHaveLength(1);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]!.call).toBe(`list pods in all namespaces at ${api.url}`);
    expect(out.problems[0]!.message).toMatch(
      /^HTTP 403 — .*`list` on namespaces and pods: deploy\/optional\/workloads-reader\.yaml/,
    );
  });
});
