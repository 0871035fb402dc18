import { describe, expect, it } from "vitest";
import { fieldChanges } from "../../../src/compare/changes.js";
import { defaultNormalizeOptions, type NormalizeOptions } from "../../../src/model/types.js";
import { comparable, normalizePolicy } from "../../../src/normalize/index.js";
import { NAME, NS, desiredOf, liveOf } from "../../fixtures/both-sides.js";
import { managedEntry, manifest, serverPolicy } from "../../fixtures/server-shaped.js";

const spec = { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: 8080 }] }] };
const storedSpec = {
  podSelector: { matchLabels: { app: "api" } },
  ingress: [{ ports: [{ port: 8080, protocol: "TCP" }] }],
  policyTypes: ["Ingress"],
};
const opts = (o: Partial<NormalizeOptions> = {}): NormalizeOptions => ({ ...defaultNormalizeOptions(), ...o });
/** What a live policy with these managedFields says changed it last, as normalised. */
const lastChangedBy = (managedFields: unknown) =>
  normalizePolicy({ metadata: { name: NAME, namespace: NS, managedFields }, spec: storedSpec }, NS, {}, opts())
    .changedBy;

function diffOf(
  desiredLabels: Record<string, string>,
  liveLabels: Record<string, string>,
  norm = opts(),
  desiredAnn = {},
  liveAnn = {},
) {
  const d = desiredOf(spec, { labels: desiredLabels, annotations: desiredAnn }, norm);
  const l = liveOf(
    storedSpec,
    {
      labels: liveLabels,
      annotations: liveAnn,
      lastApplied: manifest(NAME, spec, { namespace: NS, labels: desiredLabels }),
    },
    norm,
  );
  return fieldChanges(comparable(d), comparable(l));
}

describe("normalisation: server-owned metadata", () => {
  it("drops uid, resourceVersion, generation, creationTimestamp, managedFields, status and last-applied", () => {
    const raw = serverPolicy(NS, NAME, storedSpec, {
      labels: { team: "shop" },
      lastApplied: manifest(NAME, spec, { namespace: NS, labels: { team: "shop" } }),
      status: {},
      generation: 7,
    });
    const live = normalizePolicy(raw, NS, {}, opts({ compareAnnotations: ["*"] }));
    expect(live).toEqual({
      namespace: NS,
      name: NAME,
      labels: { team: "shop" },
      annotations: {},
      spec: {
        podSelector: { matchLabels: { app: "api" } },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ protocol: "TCP", port: 8080 }] }],
      },
      origin: {},
      changedBy: { manager: "kubectl-client-side-apply", operation: "Update", time: "2025-03-04T09:15:27Z" },
      managers: [
        {
          manager: "kubectl-client-side-apply",
          operation: "Update",
          time: "2025-03-04T09:15:27Z",
          fields: [
            "metadata\u0000annotations\u0000kubectl.kubernetes.io/last-applied-configuration",
            "spec\u0000podSelector",
            "spec\u0000policyTypes",
          ],
        },
      ],
    });
    expect(comparable(live)).toEqual(comparable(desiredOf(spec, { labels: { team: "shop" } })));
  });

  it("treats a committed `kubectl get -o yaml` dump like the manifest it came from", () => {
    const dump = serverPolicy(NS, NAME, storedSpec, { lastApplied: manifest(NAME, spec, { namespace: NS }) });
    const fromDump = normalizePolicy(dump, NS, { file: "shop/dump.yaml", line: 1 }, opts());
    expect(fieldChanges(comparable(fromDump), comparable(liveOf(storedSpec)))).toEqual([]);
  });
});

describe("normalisation: labels", () => {
  it.each([
    "app.kubernetes.io/managed-by",
    "argocd.argoproj.io/instance",
    "kustomize.toolkit.fluxcd.io/name",
    "kustomize.toolkit.fluxcd.io/namespace",
  ])("ignores the tool-managed label %s by default", (key) => {
    expect(diffOf({ team: "shop" }, { team: "shop", [key]: "prod-apps" })).toEqual([]);
  });

  it("compares a tool-managed label when the default ignore list is switched off", () => {
    expect(
      diffOf({ team: "shop" }, { team: "shop", "app.kubernetes.io/managed-by": "Helm" }, opts({ ignoreLabels: [] })),
    ).toEqual([{ path: 'metadata.labels["app.kubernetes.io/managed-by"]', live: "Helm" }]);
  });

  it("catches a changed label, with a bracketed path for a key with dots and slashes", () => {
    expect(diffOf({ "app.kubernetes.io/part-of": "shop" }, { "app.kubernetes.io/part-of": "checkout" })).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', desired: "shop", live: "checkout" },
    ]);
  });

  it("catches a label removed live, with a dotted path for a plain key", () => {
    expect(diffOf({ team: "shop", tier: "backend" }, { team: "shop" })).toEqual([
      { path: "metadata.labels.tier", desired: "backend" },
    ]);
  });

  it("catches the last label removed live (labels: {} is no labels)", () => {
    expect(diffOf({ team: "shop" }, {})).toEqual([{ path: "metadata.labels", desired: { team: "shop" } }]);
  });

  it("reads an empty label value (`team:` in YAML, null) as the empty string the server stores", () => {
    const d = desiredOf(spec, { labels: { team: null } });
    expect(d.labels).toEqual({ team: "" });
    expect(fieldChanges(comparable(d), comparable(liveOf(storedSpec, { labels: { team: "" } })))).toEqual([]);
    expect(fieldChanges(comparable(d), comparable(liveOf(storedSpec, { labels: { team: "null" } })))).toEqual([
      { path: "metadata.labels.team", desired: "", live: "null" },
    ]);
  });

  it("ignores configured label globs and still compares the rest", () => {
    const norm = opts({ ignoreLabels: [...defaultNormalizeOptions().ignoreLabels, "example.com/*"] });
    expect(
      diffOf({ team: "shop" }, { team: "shop", "example.com/build": "1234", "example.com/sha": "abc" }, norm),
    ).toEqual([]);
    expect(diffOf({ team: "shop" }, { team: "ops", "example.com/build": "1234" }, norm)).toEqual([
      { path: "metadata.labels.team", desired: "shop", live: "ops" },
    ]);
  });
});

describe("normalisation: annotations", () => {
  it("does not compare annotations unless configured", () => {
    expect(
      diffOf({}, {}, opts(), { owner: "team-a" }, { owner: "team-b", "deployment.kubernetes.io/revision": "3" }),
    ).toEqual([]);
  });

  it("compares configured annotations (globs) and only those", () => {
    const norm = opts({ compareAnnotations: ["owner", "policy.example.com/*"] });
    expect(diffOf({}, {}, norm, { owner: "team-a", note: "x" }, { owner: "team-a", note: "y" })).toEqual([]);
    expect(
      diffOf(
        {},
        {},
        norm,
        { owner: "team-a", "policy.example.com/ticket": "OPS-1" },
        { owner: "team-b", "policy.example.com/ticket": "OPS-1" },
      ),
    ).toEqual([{ path: "metadata.annotations.owner", desired: "team-a", live: "team-b" }]);
  });

  it("never compares last-applied-configuration, even with a catch-all pattern", () => {
    const norm = opts({ compareAnnotations: ["*"] });
    expect(diffOf({}, {}, norm, {}, {})).toEqual([]);
  });
});

describe("normalisation: changedBy", () => {
  it("is the managedFields entry with the newest time, wherever it sits in the list", () => {
    const entries = [
      managedEntry("kubectl-client-side-apply", "Update", "2025-03-04T09:15:27Z"),
      managedEntry("kubectl-edit", "Update", "2025-06-11T16:02:44Z"),
      managedEntry("argocd-controller", "Apply", "2025-05-01T00:00:00Z"),
    ];
    expect(lastChangedBy(entries)).toEqual({
      manager: "kubectl-edit",
      operation: "Update",
      time: "2025-06-11T16:02:44Z",
    });
  });

  it("prefers the later entry on equal times, and any timed entry over an untimed one", () => {
    const t = "2025-06-11T16:02:44Z";
    expect(lastChangedBy([managedEntry("a", "Update", t), managedEntry("b", "Apply", t)])).toEqual({
      manager: "b",
      operation: "Apply",
      time: t,
    });
    expect(lastChangedBy([managedEntry("timed", "Update", t), { manager: "untimed", operation: "Update" }])).toEqual({
      manager: "timed",
      operation: "Update",
      time: t,
    });
  });

  it("reads Date objects (client-node's typed objects) as RFC 3339", () => {
    expect(
      lastChangedBy([{ manager: "kube-controller", operation: "Update", time: new Date("2025-06-11T16:02:44Z") }]),
    ).toEqual({
      manager: "kube-controller",
      operation: "Update",
      time: "2025-06-11T16:02:44Z",
    });
  });

  it("is absent when there are no managedFields", () => {
    expect(lastChangedBy(undefined)).toBeUndefined();
    expect(desiredOf(spec).changedBy).toBeUndefined();
  });
});
