import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { silentLogger } from "../../../src/log/logger.js";
import { UsageError } from "../../../src/model/errors.js";
import { defaultNormalizeOptions } from "../../../src/model/types.js";
import { makeNightlyJob } from "../../../src/workers/nightly/job.js";
import { base, failure, file } from "../../helpers/run-config.js";

// The traffic-analysis settings of the nightly run: environment and YAML keys, each validated on its own.

describe("run configuration: the traffic analysis", () => {
  it("defaults: nothing set, workloads not resolved", async () => {
    const c = await loadConfig({ env: base });
    expect(c.resolveWorkloads).toBe(false);
    expect([c.tenantPattern, c.egressAllow, c.airGapped, c.values]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads every setting from the environment", async () => {
    const c = await loadConfig({
      env: {
        ...base,
        NETPOL_DRIFT_TENANT_PATTERN: "team-*",
        NETPOL_DRIFT_EGRESS_ALLOW: "10.40.12.0/24, 203.0.113.0/24!203.0.113.128/25!203.0.113.7/32",
        NETPOL_DRIFT_AIR_GAPPED: "globex,team-initech",
        NETPOL_DRIFT_VALUES: "charts/netpol/values.yaml",
        NETPOL_DRIFT_RESOLVE_WORKLOADS: "true",
      },
    });
    expect(c).toMatchObject({
      tenantPattern: "team-*",
      egressAllow: [
        { cidr: "10.40.12.0/24" },
        { cidr: "203.0.113.0/24", except: ["203.0.113.128/25", "203.0.113.7/32"] },
      ],
      airGapped: ["globex", "team-initech"],
      values: "charts/netpol/values.yaml",
      resolveWorkloads: true,
    });
  });

  it("reads the same keys from the YAML file, lists included; the environment wins", async () => {
    const f = await file(
      "cluster: a\nrepo: b\ntenantPattern: t-*\negressAllow: [10.0.0.0/8, 192.0.2.0/24]\nairGapped:\n  - globex\nresolveWorkloads: true\nvalues: values.yaml\n",
    );
    const c = await loadConfig({ file: f, env: { NETPOL_DRIFT_AIR_GAPPED: "initech" } });
    expect(c).toMatchObject({
      tenantPattern: "t-*",
      egressAllow: [{ cidr: "10.0.0.0/8" }, { cidr: "192.0.2.0/24" }],
      airGapped: ["initech"],
      resolveWorkloads: true,
      values: "values.yaml",
    });
  });

  it.each([
    ["NETPOL_DRIFT_TENANT_PATTERN", "tenant-*-*", /at most one '\*'/],
    ["NETPOL_DRIFT_TENANT_PATTERN", "Tenant_*", /namespace-name glob/],
    ["NETPOL_DRIFT_EGRESS_ALLOW", "10.40.12.0/24,10.0.0.300/8", /"10\.0\.0\.300\/8" is not a CIDR/],
    ["NETPOL_DRIFT_EGRESS_ALLOW", "203.0.113.0/24!nope", /"nope" is not a CIDR/],
    ["NETPOL_DRIFT_AIR_GAPPED", "globex,Initech", /"Initech" is not a tenant or namespace name/],
    ["NETPOL_DRIFT_VALUES", "../values.yaml", /must be a path inside the repository/],
    ["NETPOL_DRIFT_VALUES", "/etc/values.yaml", /must be a path inside the repository/],
    ["NETPOL_DRIFT_RESOLVE_WORKLOADS", "yes", /"true"\|"false".*got "yes"/],
  ])("%s=%s is refused, naming the variable", async (key, value, why) => {
    const e = await failure(loadConfig({ env: { ...base, [key]: value } }));
    expect(e.key).toBe(key);
    expect(e.source).toBe("environment");
    expect(e.message).toMatch(new RegExp(`^config: ${key} \\(environment\\): `));
    expect(e.message).toMatch(why);
  });

  it("a wrong YAML value names the key, the file and its line", async () => {
    const bad = await failure(
      loadConfig({ file: await file("cluster: a\nrepo: b\negressAllow: [10.0.0.0/8, internet]\n"), env: {} }),
    );
    expect(bad.key).toBe("egressAllow");
    expect(bad.source).toMatch(/netpol-drift\.yaml:3$/);
    expect(bad.message).toContain('"internet" is not a CIDR');
    const nested = await failure(
      loadConfig({ file: await file("cluster: a\nrepo: b\nairGapped: {globex: true}\n"), env: {} }),
    );
    expect(nested.key).toBe("airGapped");
    expect(nested.message).toContain("must be a list of values or one comma-separated value");
    const scalarOnly = await failure(
      loadConfig({ file: await file("cluster: a\nrepo: b\nvalues: [a.yaml]\n"), env: {} }),
    );
    expect(scalarOnly.message).toContain("must be a single value");
    const flag = await failure(
      loadConfig({ file: await file("cluster: a\nrepo: b\nresolveWorkloads: maybe\n"), env: {} }),
    );
    expect(flag.key).toBe("resolveWorkloads");
  });

  it("NETPOL_DRIFT_RESOLVE_WORKLOADS with a live capture is refused when the job is made, not at 02:30", async () => {
    const config = await loadConfig({ env: { ...base, NETPOL_DRIFT_RESOLVE_WORKLOADS: "true" } });
    const opts = {
      logger: silentLogger(),
      now: () => new Date(0),
      env: {},
      sources: {
        live: { kind: "file" as const, file: "live.json" },
        scope: { namespaces: [], exclude: [] },
        normalize: defaultNormalizeOptions(),
      },
    };
    expect(() => makeNightlyJob(config, opts)).toThrow(UsageError);
    expect(() => makeNightlyJob(config, opts)).toThrow(
      /^NETPOL_DRIFT_RESOLVE_WORKLOADS lists namespaces and pods from the cluster/,
    );
    expect(typeof makeNightlyJob({ ...config, resolveWorkloads: false }, opts)).toBe("function");
  });
});
