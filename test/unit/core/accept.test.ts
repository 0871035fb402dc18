import { describe, expect, it } from "vitest";
import { serverPolicy } from "../../fixtures/server-shaped.js";
import { accept, applied, changedLines, detect, ingressSpec, policyText, roundTrip, seed } from "./accept-world.js";

const postgres = `# API -> Postgres (database namespace). The database side is database/api-to-postgres.yaml.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-to-postgres
  labels:
    app: stratmaster  # the product
    component: api
spec:
  podSelector:
    matchLabels:
      app: stratmaster-api
  policyTypes:
    - Egress
  egress:
    - to:
        # only the database namespace
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: database
          podSelector: {matchLabels: {app: postgres}}
      ports:
        - protocol: TCP
          port: 5432   # postgres
`;

const liveSpec = (port: number) => ({
  podSelector: { matchLabels: { app: "stratmaster-api" } },
  policyTypes: ["Egress"],
  egress: [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "database" } },
          podSelector: { matchLabels: { app: "postgres" } },
        },
      ],
      ports: [{ protocol: "TCP", port }],
    },
  ],
});
const liveLabels = { app: "stratmaster", component: "api" };

describe("accept: a modified policy is edited in place", () => {
  it("changes only the line that drifted, keeping comments and spacing, and the next run is in sync", async () => {
    const files = { "stratmaster/api-to-postgres.yaml": postgres };
    const live = [serverPolicy("stratmaster", "api-to-postgres", liveSpec(5433), { labels: liveLabels })];
    const { before, result, edited, after } = await roundTrip(files, live);
    expect(before.drift.map((d) => d.state)).toEqual(["modified"]);
    expect(result.refused).toEqual([]);
    expect(result.edits.map((e) => e.path)).toEqual(["stratmaster/api-to-postgres.yaml"]);
    expect(changedLines(postgres, edited["stratmaster/api-to-postgres.yaml"] as string)).toEqual({
      from: ["          port: 5432   # postgres"],
      to: ["          port: 5433   # postgres"],
    });
    expect(after.problems).toEqual([]);
    expect(after.drift).toEqual([]);
  });

  it("keeps a CRLF file's line endings", async () => {
    const crlf = postgres.replace(/\n/g, "\r\n");
    const files = { "stratmaster/api-to-postgres.yaml": crlf };
    const live = [
      serverPolicy("stratmaster", "api-to-postgres", liveSpec(5433), { labels: { ...liveLabels, x: "y" } }),
    ];
    const { result, edited, after } = await roundTrip(files, live);
    expect(result.refused).toEqual([]);
    const text = edited["stratmaster/api-to-postgres.yaml"] as string;
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(text).toContain("          port: 5433   # postgres\r\n");
    expect(after.drift).toEqual([]);
  });

  it("adds and removes labels, and writes values YAML 1.1 would not read as strings quoted", async () => {
    const files = { "stratmaster/api-to-postgres.yaml": postgres };
    const labels = { app: "stratmaster", enabled: "on", port: "8080", empty: "", octal: "0o17", yes: "y" };
    const live = [serverPolicy("stratmaster", "api-to-postgres", liveSpec(5432), { labels })];
    const { result, edited, after } = await roundTrip(files, live);
    expect(result.refused).toEqual([]);
    const text = edited["stratmaster/api-to-postgres.yaml"] as string;
    const lines = text.split("\n");
    for (const quoted of ['enabled: "on"', 'port: "8080"', 'empty: ""', 'octal: "0o17"', '"yes": "y"'])
      expect(lines, quoted).toContain(`    ${quoted}`);
    expect(lines).toContain("    app: stratmaster  # the product");
    expect(text).not.toContain("component: api");
    expect(after.drift).toEqual([]);
  });

  it("edits a whole rule set: a new peer and a new rule are added, the equal ones stay as written", async () => {
    const files = { "stratmaster/api-to-postgres.yaml": postgres };
    const spec = liveSpec(5432);
    spec.egress[0]?.to.push({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cache" } },
    } as never);
    spec.egress.push({
      to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } } as never],
      ports: [{ protocol: "UDP", port: 53 }],
    });
    spec.policyTypes = ["Egress", "Ingress"];
    const live = [serverPolicy("stratmaster", "api-to-postgres", spec, { labels: liveLabels })];
    const { result, edited, after } = await roundTrip(files, live);
    expect(result.refused).toEqual([]);
    const text = edited["stratmaster/api-to-postgres.yaml"] as string;
    expect(text.startsWith(postgres.split("  policyTypes:")[0] as string)).toBe(true);
    expect(text).toContain("          podSelector: {matchLabels: {app: postgres}}\n");
    expect(text).toContain("          port: 5432   # postgres\n");
    expect(text).toContain("    - Ingress\n");
    expect(text).not.toContain("protocol: TCP\n          port: 53");
    expect(text).toContain("protocol: UDP");
    expect(after.drift).toEqual([]);
  });

  it("writes policyTypes when the default would no longer say it, and leaves it out when it still does", async () => {
    const noTypes = postgres.replace("  policyTypes:\n    - Egress\n", "");
    // Unwritten, policyTypes defaults to [Egress, Ingress] here (egress rules exist): live says the same.
    const same = serverPolicy(
      "stratmaster",
      "api-to-postgres",
      { ...liveSpec(5433), policyTypes: ["Ingress", "Egress"] },
      { labels: liveLabels },
    );
    const a = await roundTrip(
      { "s/p.yaml": noTypes.replace("name: api-to-postgres", "name: api-to-postgres\n  namespace: stratmaster") },
      [same],
    );
    expect(a.result.refused).toEqual([]);
    expect(a.edited["s/p.yaml"]).not.toContain("policyTypes");
    expect(a.after.drift).toEqual([]);
    // Egress only, while the default would add Ingress: written out.
    const egressOnly = serverPolicy("stratmaster", "api-to-postgres", liveSpec(5432), { labels: liveLabels });
    const b = await roundTrip({ "stratmaster/p.yaml": noTypes }, [egressOnly]);
    expect(b.result.refused).toEqual([]);
    expect(b.edited["stratmaster/p.yaml"]).toContain("  policyTypes:\n    - Egress\n");
    expect(b.after.drift).toEqual([]);
  });

  it("keeps the other documents of a multi-document file byte for byte", async () => {
    const other = `---
# the second policy: untouched
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other}
spec:
  podSelector: {}
  policyTypes: [ Ingress ]   # deny all ingress
---
kind: ConfigMap
apiVersion: v1
metadata: {name: notes}
data: {a: "1"}
`;
    const files = { "stratmaster/all.yaml": postgres + other };
    const live = [
      serverPolicy("stratmaster", "api-to-postgres", liveSpec(5433), { labels: liveLabels }),
      serverPolicy("stratmaster", "other", { podSelector: {}, policyTypes: ["Ingress"] }),
    ];
    const { result, edited, after } = await roundTrip(files, live);
    expect(result.refused).toEqual([]);
    const text = edited["stratmaster/all.yaml"] as string;
    expect(text.endsWith(other)).toBe(true);
    expect(text).toBe(postgres.replace("port: 5432", "port: 5433") + other);
    expect(after.drift).toEqual([]);
  });

  it("keeps a four-space, unindented-sequence file's layout where nothing changed", async () => {
    const four = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
    name: web
    labels:
        app: "web"
spec:
    podSelector:
        matchLabels:
            app: web
    policyTypes:
    - Ingress
    ingress:
    - from:
      - podSelector: {}
      ports:
      - port: 0x50     # http, in hex
`;
    const live = [
      serverPolicy(
        "shop",
        "web",
        ingressSpec(
          "web",
          [{ podSelector: {} }],
          [
            { protocol: "TCP", port: 80 },
            { protocol: "TCP", port: 443 },
          ],
        ),
        { labels: { app: "web", tier: "front" } },
      ),
    ];
    const { result, edited, after } = await roundTrip({ "shop/web.yaml": four }, live);
    expect(result.refused).toEqual([]);
    const text = edited["shop/web.yaml"] as string;
    expect(changedLines(four, text)).toEqual({ from: [], to: ["        tier: front", "      - port: 443"] });
    expect(after.drift).toEqual([]);
  });
});

describe("accept: a missing policy is removed", () => {
  it("deletes the file when the policy was its only document", async () => {
    const { result, after } = await roundTrip(
      { "stratmaster/api-to-postgres.yaml": postgres, "stratmaster/x.yaml": "# notes\n" },
      [],
    );
    expect(result.edits).toEqual([{ path: "stratmaster/api-to-postgres.yaml", text: null }]);
    expect(after.drift).toEqual([]);
  });

  it("removes only its document from a multi-document file", async () => {
    const second = `---\n# kept\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: kept\nspec:\n  podSelector: {}\n`;
    const live = [serverPolicy("stratmaster", "kept", { podSelector: {}, policyTypes: ["Ingress"] })];
    const { result, after } = await roundTrip({ "stratmaster/two.yaml": postgres + second }, live);
    expect(result.edits).toEqual([{ path: "stratmaster/two.yaml", text: second }]);
    expect(after.drift).toEqual([]);
  });

  it("removes its item from a kind: List, and edits a modified item in place", async () => {
    const list = `apiVersion: v1
kind: List
items:
  # first
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: a}
    spec: {podSelector: {}, policyTypes: [Ingress]}
  # second
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: b}
    spec: {podSelector: {}, policyTypes: [Ingress]}
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: c}
    spec:
      podSelector: {}
      policyTypes: [Ingress]
`;
    const live = [
      serverPolicy("shop", "a", { podSelector: {}, policyTypes: ["Ingress"] }),
      serverPolicy("shop", "c", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    ];
    const { before, result, edited, after } = await roundTrip({ "shop/list.yaml": list }, live);
    expect(before.drift.map((d) => `${d.state} ${d.name}`)).toEqual(["missing b", "modified c"]);
    expect(result.refused).toEqual([]);
    const text = edited["shop/list.yaml"] as string;
    expect(text).not.toContain("name: b");
    expect(text).toContain(
      "  # first\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: a}\n",
    );
    expect(text).toContain("      policyTypes: [Ingress, Egress]\n");
    expect(after.drift).toEqual([]);
  });
});

describe("accept: an unmanaged policy becomes a new file", () => {
  it("is written in the namespace folder, without server fields or defaults, and reads back in sync", async () => {
    const live = [
      serverPolicy(
        "tenant-acme",
        "hotfix",
        ingressSpec(
          "web",
          [{ namespaceSelector: {} }],
          [
            { protocol: "TCP", port: 8080 },
            { protocol: "UDP", port: 53 },
          ],
        ),
        { labels: { team: "on", "app.kubernetes.io/managed-by": "Helm" }, annotations: { note: "x" } },
      ),
    ];
    const { result, after } = await roundTrip({ "tenant-acme/hotfix.yml": "# not a policy\n" }, live);
    expect(result.refused).toEqual([]);
    expect(result.edits).toEqual([
      {
        path: "tenant-acme/hotfix.yaml",
        text: policyText(
          "hotfix",
          `  namespace: tenant-acme
  labels:
    team: "on"
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector: {}
      ports:
        - protocol: UDP
          port: 53
        - port: 8080
`,
        ),
      },
    ]);
    expect(after.drift).toEqual([]);
  });

  it("never replaces a file: the name takes a number, compared without case", async () => {
    const live = [serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress"] })];
    const world = await detect({ "shop/WEB.yaml": "# a note, not a policy\n", "shop/web-2.yaml": "# another\n" }, live);
    expect(accept(world).edits.map((e) => e.path)).toEqual(["shop/web-3.yaml"]);
  });
});

describe("accept: partial acceptance and the seed", () => {
  it("a reviewer who drops one file leaves exactly that policy drifting", async () => {
    const files = {
      "stratmaster/api-to-postgres.yaml": postgres,
      "stratmaster/b.yaml": postgres.replace("name: api-to-postgres", "name: b"),
    };
    const live = [
      serverPolicy("stratmaster", "api-to-postgres", liveSpec(5433), { labels: liveLabels }),
      serverPolicy("stratmaster", "b", liveSpec(6543), { labels: liveLabels }),
      serverPolicy("stratmaster", "new", { podSelector: {}, policyTypes: ["Egress"] }),
    ];
    const before = await detect(files, live);
    const result = accept(before);
    expect(result.edits.map((e) => e.path).sort()).toEqual([
      "stratmaster/api-to-postgres.yaml",
      "stratmaster/b.yaml",
      "stratmaster/new.yaml",
    ]);
    const after = await detect(
      applied(files, result, (p) => p !== "stratmaster/b.yaml"),
      live,
    );
    expect(after.drift.map((d) => `${d.state} ${d.namespace}/${d.name}`)).toEqual(["modified stratmaster/b"]);
  });

  it("accepts every drift of the bundled example, and the next run is in sync", async () => {
    const { files, live } = await seed();
    const { before, result, after } = await roundTrip(files, live);
    expect(before.drift.length).toBeGreaterThan(2);
    expect(new Set(before.drift.map((d) => d.state))).toEqual(new Set(["modified", "missing", "unmanaged"]));
    expect(result.refused).toEqual([]);
    expect(after.problems).toEqual([]);
    expect(after.drift).toEqual([]);
  });
});
