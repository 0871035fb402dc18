import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../fixtures/cli-context.js";
import { kubectlList, serverPolicy, type Json } from "../../fixtures/server-shaped.js";
import { put, tempTree } from "../../fixtures/temp-tree.js";

// `report` with the analysis flags and a workloads source, in-process through main(), on real files.

const DENY = { podSelector: {}, policyTypes: ["Ingress"] };
const denyYaml =
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n";
// Hand-made live policy: cart may reach shop's web pods on the port *named* http.
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

const pod = (namespace: string, name: string, labels: Json, ports: Json[] = []): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: "c", ports }] },
  status: { phase: "Running", podIP: "10.0.0.1" },
});
const ns = (name: string): Json => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
});
const WORKLOADS = {
  apiVersion: "v1",
  kind: "List",
  items: [
    ns("shop"),
    ns("cart"),
    pod("shop", "web-1", { app: "web" }, [{ name: "http", containerPort: 8080, protocol: "TCP" }]),
    pod("cart", "api-1", { app: "api" }),
  ],
};

async function setup(extraLive: Json[] = []): Promise<{ root: string; desired: string; live: string }> {
  const root = await tempTree({
    "desired/shop/default-deny.yaml": denyYaml,
    "desired/cart/default-deny.yaml": denyYaml,
  });
  await put(
    root,
    "live.json",
    JSON.stringify(
      kubectlList([
        serverPolicy("shop", "default-deny", DENY),
        serverPolicy("cart", "default-deny", DENY),
        webHttp,
        ...extraLive,
      ]),
    ),
  );
  await put(root, "workloads.yaml", JSON.stringify(WORKLOADS));
  return { root, desired: path.join(root, "desired"), live: path.join(root, "live.json") };
}

type Out = {
  complete: boolean;
  effects: {
    namespace: string;
    effect: string;
    opened: { source: string; destination: string; protocol: string; ports: string }[];
  }[];
  analysis: { workloads: string };
  problems: { file?: string; call?: string; message: string }[];
  sources: { workloads?: string };
};

describe("report: traffic analysis with workloads", () => {
  it("--workloads FILE: the named port resolves to the pod's container port in the effect", async () => {
    const { root, desired, live } = await setup();
    const capture = path.join(root, "workloads.yaml");
    const withPods = await runCli([
      "report",
      "--desired",
      desired,
      "--live-file",
      live,
      "--workloads",
      capture,
      "-o",
      "json",
    ]);
    expect(withPods.stderr).toBe("");
    expect(withPods.code).toBe(1);
    const out = JSON.parse(withPods.stdout) as Out;
    expect(out.complete).toBe(true);
    expect(out.analysis.workloads).toBe("capture");
    expect(out.sources.workloads).toBe(`file: ${capture}`);
    const shop = out.effects.find((e) => e.namespace === "shop")!;
    expect(shop.effect).toBe("widens");
    expect(shop.opened.map((f) => [f.source, f.destination, f.protocol, f.ports])).toEqual([
      ["ns:cart/pod:*", "ns:shop/pod:*", "TCP", "8080"],
    ]);

    // Without pods the same drift can only name the port.
    const without = JSON.parse(
      (await runCli(["report", "--desired", desired, "--live-file", live, "-o", "json"])).stdout,
    ) as Out;
    expect(without.analysis.workloads).toBe("representative");
    expect(without.effects.find((e) => e.namespace === "shop")!.opened.map((f) => f.ports)).toEqual(["http"]);
  });

  it("a workloads file that cannot be read or parsed: exit 2, a problem naming the file, the drift still listed", async () => {
    const { root, desired, live } = await setup();
    const broken = path.join(root, "broken.yaml");
    await put(root, "broken.yaml", "items:\n  - kind: Pod\n\tmetadata: {}\n");
    for (const file of [broken, path.join(root, "absent.yaml")]) {
      const r = await runCli(["report", "--desired", desired, "--live-file", live, "--workloads", file, "-o", "json"]);
      expect(r.code).toBe(2);
      const out = JSON.parse(r.stdout) as Out & { drift: unknown[] };
      expect(out.complete).toBe(false);
      expect(out.problems.map((p) => p.call)).toEqual([`read workloads ${file}`]);
      expect(out.drift).toHaveLength(1); // the verdicts stand; only the analysis is in doubt
    }
    const text = await runCli(["report", "--desired", desired, "--live-file", live, "--workloads", broken]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`read workloads ${broken}: line 3: not valid JSON/YAML`);
  });

  it("--values: a file that cannot be read is a problem naming it (exit 2); a readable one marks the air-gapped tenant", async () => {
    const toInternet = serverPolicy("shop", "to-internet", {
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
      policyTypes: ["Egress"],
    });
    const { root, desired, live } = await setup([toInternet]);
    const values = path.join(root, "values.yaml");
    const r = await runCli(["report", "--desired", desired, "--live-file", live, "--values", values, "-o", "json"]);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as Out).problems).toEqual([{ file: values, message: "no such file (--values)" }]);

    await put(root, "values.yaml", "tenant:\n  shop:\n    namespace: shop\n    allow_internet: false\n");
    const airGapped = (out: Out & { violations: { side: string; invariant: string; namespace: string }[] }) =>
      out.violations.filter((v) => v.invariant === "air-gapped").map((v) => `${v.side} ${v.namespace}`);
    const ok = await runCli(["report", "--desired", desired, "--live-file", live, "--values", values, "-o", "json"]);
    expect(ok.code).toBe(1);
    expect(airGapped(JSON.parse(ok.stdout))).toEqual(["live shop"]);
    expect(
      airGapped(JSON.parse((await runCli(["report", "--desired", desired, "--live-file", live, "-o", "json"])).stdout)),
    ).toEqual([]);
    // The same tenant named by flag instead of values.
    expect(
      airGapped(
        JSON.parse(
          (
            await runCli([
              "report",
              "--desired",
              desired,
              "--live-file",
              live,
              "--tenant-pattern",
              "*",
              "--air-gapped",
              "shop",
              "-o",
              "json",
            ])
          ).stdout,
        ),
      ),
    ).toEqual(["live shop"]);
  });

  it("flag mistakes are usage errors: both workload sources, --resolve-workloads with a capture, a bad CIDR", async () => {
    const { root, desired, live } = await setup();
    const capture = path.join(root, "workloads.yaml");
    const both = await runCli(["report", "--desired", desired, "--workloads", capture, "--resolve-workloads"]);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("two sources of workloads")]);
    const offline = await runCli(["report", "--desired", desired, "--live-file", live, "--resolve-workloads"]);
    expect([offline.code, offline.stderr]).toEqual([
      2,
      expect.stringContaining(`the live side is the capture ${live}`),
    ]);
    const cidr = await runCli(["report", "--desired", desired, "--live-file", live, "--egress-allow", "10.0.0.0/33"]);
    expect([cidr.code, cidr.stderr]).toEqual([2, expect.stringContaining('"10.0.0.0/33" is not a CIDR')]);
  });
});
