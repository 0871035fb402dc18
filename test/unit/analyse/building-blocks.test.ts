// Port sets, address ranges, Helm values and the workloads capture: the pieces the analysis stands on.
import { describe, expect, it } from "vitest";
import { atomsOf, blockRanges, describeRanges, formatIp, parseCidr, parseIp } from "../../../src/analyse/cidr.js";
import { optionsFromValues, tenantNamespace } from "../../../src/analyse/options.js";
import { allPorts, describePorts, intersect, isEmpty, rulePorts, subtract, union } from "../../../src/analyse/ports.js";
import { tenantOf } from "../../../src/analyse/tenants.js";
import { defaultAnalysisOptions } from "../../../src/analyse/types.js";
import { parseWorkloadsText } from "../../../src/sources/workloads/file.js";

describe("port sets", () => {
  it("every port of every protocol written as ranges is 'all'", () => {
    const ranges = rulePorts(
      [
        { protocol: "TCP", port: 1, endPort: 65535 },
        { protocol: "UDP", port: 1, endPort: 65535 },
        { protocol: "SCTP", port: 1, endPort: 65535 },
      ],
      undefined,
    );
    expect(describePorts(ranges)).toEqual([{ protocol: "any", ports: "all" }]);
    expect(isEmpty(subtract(allPorts(), ranges))).toBe(true);
    expect(isEmpty(subtract(ranges, allPorts()))).toBe(true);
  });
  it("ranges merge and split", () => {
    const a = rulePorts(
      [
        { protocol: "TCP", port: 80 },
        { protocol: "TCP", port: 81, endPort: 90 },
      ],
      null,
    );
    expect(describePorts(a)).toEqual([{ protocol: "TCP", ports: "80-90" }]);
    expect(describePorts(subtract(a, rulePorts([{ protocol: "TCP", port: 85 }], null)))).toEqual([
      { protocol: "TCP", ports: "80-84, 86-90" },
    ]);
    expect(describePorts(intersect(a, rulePorts([{ protocol: "UDP" }], null)))).toEqual([]);
  });
  it("named ports resolve on the destination; unknown containers keep the name; no containers match nothing", () => {
    const ports = [{ protocol: "TCP" as const, port: "http" }];
    expect(describePorts(rulePorts(ports, [{ name: "http", port: 8080, protocol: "TCP" }]))).toEqual([
      { protocol: "TCP", ports: "8080" },
    ]);
    expect(describePorts(rulePorts(ports, undefined))).toEqual([{ protocol: "TCP", ports: "http" }]);
    expect(isEmpty(rulePorts(ports, null))).toBe(true);
    expect(
      describePorts(union(rulePorts(ports, undefined), rulePorts([{ protocol: "TCP", port: 80 }], undefined))),
    ).toEqual([{ protocol: "TCP", ports: "80, http" }]);
  });
});

describe("address ranges", () => {
  it("parses IPv4 and IPv6, masks host bits", () => {
    expect(parseCidr("10.1.2.3/8")).toEqual({
      family: 4,
      lo: parseIp("10.0.0.0")!.value,
      hi: parseIp("10.255.255.255")!.value,
    });
    expect(formatIp(6, parseIp("2001:db8::1")!.value)).toBe("2001:db8::1");
    expect(formatIp(6, parseIp("::ffff:192.0.2.1")!.value)).toBe("::ffff:c000:201");
    expect(parseCidr("nope/8")).toBeUndefined();
  });
  it("except carves ranges; atoms cut at every boundary", () => {
    expect(describeRanges(blockRanges({ cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.21.0.0/16"] }))).toBe(
      "0.0.0.0/0 except 10.0.0.0/8, 172.21.0.0/16",
    );
    expect(atomsOf(["10.0.0.0/8", "10.1.0.0/16"]).map((r) => describeRanges([r]))).toEqual([
      "0.0.0.0/5, 8.0.0.0/7",
      "10.0.0.0/16",
      "10.1.0.0/16",
      "10.0.0.0/8 except 10.0.0.0/15",
      "0.0.0.0/0 except 0.0.0.0/5, 8.0.0.0/7, 10.0.0.0/8",
      "::/0",
    ]);
  });
});

describe("tenants and Helm values", () => {
  it("tenant names from the pattern", () => {
    expect(tenantOf("tenant-acme", defaultAnalysisOptions())).toBe("acme");
    expect(tenantOf("stratmaster", defaultAnalysisOptions())).toBeUndefined();
    expect(tenantNamespace("globex", defaultAnalysisOptions())).toBe("tenant-globex");
  });
  it("tenant.<name>.allow_internet=false makes an air-gapped tenant; allow-lists with except", () => {
    const o = optionsFromValues(
      {
        egressAllowList: { proxy: "10.40.12.0/24", partner: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } },
        tenant: {
          acme: { namespace: "tenant-acme", allow_internet: true, egressAllowList: { erp: "198.51.100.0/25" } },
          globex: { allow_internet: false },
          old: { enabled: false, allow_internet: false },
        },
        networkPolicies: { dns: { namespace: "dns", podLabels: { app: "coredns" } } },
      },
      defaultAnalysisOptions(),
    );
    expect(o.airGapped).toEqual(["tenant-globex"]);
    expect(o.egressAllowList).toEqual([
      { cidr: "10.40.12.0/24" },
      { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] },
    ]);
    expect(o.namespaceEgressAllowList).toEqual({ "tenant-acme": [{ cidr: "198.51.100.0/25" }] });
    expect(o.dns).toEqual({ namespace: "dns", podLabels: { app: "coredns" } });
    expect(() => optionsFromValues({ egressAllowList: { bad: "x" } }, defaultAnalysisOptions())).toThrow(/not a CIDR/);
  });
});

describe("workloads capture", () => {
  it("reads a `kubectl get namespaces,pods -A -o yaml` List: labels, named container ports, IPs; leaves out finished and host-network pods", () => {
    const w = parseWorkloadsText(
      `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {team: a}}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: shop, labels: {app: web}}
  spec:
    containers:
    - name: web
      ports: [{name: http, containerPort: 8080}, {containerPort: 9090, protocol: UDP}]
  status: {phase: Running, podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: job-1, namespace: shop}
  status: {phase: Succeeded}
- apiVersion: v1
  kind: Pod
  metadata: {name: node-exporter, namespace: shop}
  spec: {hostNetwork: true}
`,
      "capture.yaml",
    );
    expect(w.namespaces).toEqual([{ name: "shop", labels: { team: "a" } }]);
    expect(w.pods).toEqual([
      {
        namespace: "shop",
        name: "web-1",
        labels: { app: "web" },
        ports: [
          { name: "http", port: 8080, protocol: "TCP" },
          { port: 9090, protocol: "UDP" },
        ],
        ips: ["10.0.0.1", "fd00::1"],
      },
    ]);
    expect(w.skipped).toEqual(["shop/job-1: phase Succeeded", "shop/node-exporter: host network"]);
  });
  it("a capture without namespaces or pods is refused", () => {
    expect(() => parseWorkloadsText(`{"kind":"List","items":[]}`, "x.json")).toThrow(/no Namespace or Pod objects/);
  });
});
