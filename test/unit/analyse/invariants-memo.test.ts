// The live side's check reuses the desired side's verdicts for namespaces whose policies are the same
// objects (as in-sync pairs are after compare/same.ts): it must say exactly what a check of its own says.
import { describe, expect, it } from "vitest";
import { checkInvariants, type InvariantMemo } from "../../../src/analyse/invariants.js";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import type { NormalizedPolicy } from "../../../src/model/types.js";
import { DENY_ALL, pol } from "./helpers.js";

const DNS = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [{ port: 53, protocol: "UDP" }],
};
const at = (ns: string, name: string) => ({
  file: `${ns}/${name}.yaml`,
  line: 3,
  rules: { ingress: [9], egress: [12, 20] },
});

const desired: NormalizedPolicy[] = [
  // tenant-a: default deny with DNS on UDP only (dns-egress), an app with external egress (allow-list)
  pol("tenant-a", "default-deny", { ...DENY_ALL, egress: [DNS] }, at("tenant-a", "default-deny")),
  pol(
    "tenant-a",
    "web",
    {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [{ ports: [{ port: 443 }] }, { to: [{ ipBlock: { cidr: "203.0.113.0/24" } }] }],
    },
    at("tenant-a", "web"),
  ),
  // tenant-b: no default deny at all
  pol("tenant-b", "api", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] }, at("tenant-b", "api")),
  pol("tenant-c", "default-deny", { ...DENY_ALL, egress: [DNS] }, at("tenant-c", "default-deny")),
];

// In sync except tenant-c, whose live policy was edited: the same objects where in sync, as shareInSync leaves them.
const live = desired.map((p) =>
  p.namespace === "tenant-c"
    ? pol(p.namespace, p.name, { podSelector: {}, policyTypes: ["Ingress"] })
    : { ...p, origin: {} },
);

describe("invariants: the live side's check reusing the desired side's", () => {
  it("gives what a check of its own gives, keys in the same order", () => {
    const options = defaultAnalysisOptions();
    const memo: InvariantMemo = new Map();
    const d = checkInvariants({ policies: desired, side: "desired", options, memo });
    const reused = checkInvariants({ policies: live, side: "live", options, memo });
    const own = checkInvariants({ policies: live, side: "live", options });
    expect(d.length).toBeGreaterThan(2);
    expect(new Set(d.map((v) => v.invariant)).size).toBeGreaterThan(2); // more than one way a fault is placed
    expect(JSON.stringify(reused)).toBe(JSON.stringify(own));
    expect(memo.size).toBe(3);
  });

  it("does not reuse a namespace whose policies differ, nor across different tenants", () => {
    const options = defaultAnalysisOptions();
    const memo: InvariantMemo = new Map();
    checkInvariants({ policies: desired, side: "desired", options, memo });
    const fewer = live.filter((p) => p.name !== "web");
    expect(checkInvariants({ policies: fewer, side: "live", options, memo })).toEqual(
      checkInvariants({ policies: fewer, side: "live", options }),
    );
  });
});
