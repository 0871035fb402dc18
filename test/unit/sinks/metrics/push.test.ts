import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriftItem } from "../../../../src/model/types.js";
import {
  METRIC,
  MetricsPushError,
  pushOptionsFromEnv,
  pushRunMetrics,
  type RunMetricsInput,
} from "../../../../src/sinks/metrics/index.js";
import { freePort, startPushgateway, type RunningPushgateway, type Sample } from "../../../helpers/pushgateway.js";

type Drift = Pick<DriftItem, "namespace" | "state">;
const drift = (...items: [DriftItem["state"], string][]): Drift[] =>
  items.map(([state, namespace]) => ({ state, namespace }));

function run(cluster: string, over: Partial<RunMetricsInput> & { at: number; seconds?: number }): RunMetricsInput {
  const finishedAt = new Date(over.at * 1000);
  return {
    cluster,
    success: over.success ?? true,
    startedAt: new Date(finishedAt.getTime() - (over.seconds ?? 12.5) * 1000),
    finishedAt,
    report: "report" in over ? over.report : { drift: [], problems: [] },
  };
}

function pick(samples: Sample[], name: string, cluster: string): Sample[] {
  return samples.filter((s) => s.name === name && s.labels.cluster === cluster);
}
function value(samples: Sample[], name: string, cluster: string): number | undefined {
  const found = pick(samples, name, cluster);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value;
}
function drifted(samples: Sample[], cluster: string): Record<string, number> {
  return Object.fromEntries(
    pick(samples, METRIC.policies, cluster).map((s) => [`${s.labels.state}/${s.labels.namespace}`, s.value]),
  );
}

describe("metrics pushed to a real Pushgateway", () => {
  let pgw: RunningPushgateway;
  beforeAll(async () => {
    pgw = await startPushgateway();
  });
  afterAll(async () => {
    await pgw?.stop();
  });

  it("a successful run pushes drift by state and namespace, duration, success and last-success time, under job netpol-drift", async () => {
    const report = {
      drift: drift(["modified", "shop"], ["modified", "shop"], ["missing", "shop"], ["unmanaged", "db"]),
      problems: [],
    };
    expect(await pushRunMetrics({ url: pgw.url }, run("prod", { at: 1_700_000_000, seconds: 42, report }))).toEqual({
      method: "PUT",
    });

    const s = await pgw.scrape();
    expect(drifted(s, "prod")).toEqual({ "modified/shop": 2, "missing/shop": 1, "unmanaged/db": 1 });
    expect(value(s, METRIC.duration, "prod")).toBe(42);
    expect(value(s, METRIC.success, "prod")).toBe(1);
    expect(value(s, METRIC.lastSuccess, "prod")).toBe(1_700_000_000);
    expect(value(s, METRIC.problems, "prod")).toBe(0);
    for (const sample of pick(s, METRIC.success, "prod")) expect(sample.labels.job).toBe("netpol-drift");
  });

  it("a failed run updates success and duration but keeps the last success time and the drift of the last good run", async () => {
    const report = {
      drift: drift(["unmanaged", "other"]),
      problems: [{ message: "x.yaml: bad" }, { message: "y.yaml: bad" }],
    };
    expect(
      await pushRunMetrics({ url: pgw.url }, run("prod", { at: 1_700_086_400, seconds: 3, success: false, report })),
    ).toEqual({
      method: "POST",
    });

    const s = await pgw.scrape();
    expect(value(s, METRIC.success, "prod")).toBe(0);
    expect(value(s, METRIC.duration, "prod")).toBe(3);
    expect(value(s, METRIC.problems, "prod")).toBe(2);
    expect(value(s, METRIC.lastSuccess, "prod")).toBe(1_700_000_000);
    expect(drifted(s, "prod")).toEqual({ "modified/shop": 2, "missing/shop": 1, "unmanaged/db": 1 });
  });

  it("a run that failed before it had a report still says so", async () => {
    await pushRunMetrics(
      { url: pgw.url },
      run("prod", { at: 1_700_090_000, seconds: 1, success: false, report: undefined }),
    );
    const s = await pgw.scrape();
    expect(value(s, METRIC.success, "prod")).toBe(0);
    expect(value(s, METRIC.problems, "prod")).toBe(2); // from the previous run: this one did not know
    expect(value(s, METRIC.lastSuccess, "prod")).toBe(1_700_000_000);
  });

  it("the next successful run replaces the group: namespaces that stopped drifting disappear", async () => {
    const report = { drift: drift(["missing", "shop"]), problems: [] };
    await pushRunMetrics({ url: pgw.url }, run("prod", { at: 1_700_172_800, report }));
    const s = await pgw.scrape();
    expect(drifted(s, "prod")).toEqual({ "missing/shop": 1 });
    expect(value(s, METRIC.success, "prod")).toBe(1);
    expect(value(s, METRIC.lastSuccess, "prod")).toBe(1_700_172_800);
    expect(value(s, METRIC.problems, "prod")).toBe(0);

    await pushRunMetrics({ url: pgw.url }, run("prod", { at: 1_700_259_200, report: { drift: [], problems: [] } }));
    expect(drifted(await pgw.scrape(), "prod")).toEqual({});
  });

  it("clusters are separate groups, and a cluster name with '/' (an EKS ARN) survives as the label", async () => {
    const arn = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";
    await pushRunMetrics(
      { url: pgw.url },
      run(arn, { at: 1_700_300_000, report: { drift: drift(["modified", "kube-system"]), problems: [] } }),
    );
    await pushRunMetrics({ url: pgw.url }, run("staging", { at: 1_700_300_100, success: false }));
    const s = await pgw.scrape();
    expect(drifted(s, arn)).toEqual({ "modified/kube-system": 1 });
    expect(value(s, METRIC.lastSuccess, arn)).toBe(1_700_300_000);
    expect(value(s, METRIC.success, "staging")).toBe(0);
    expect(value(s, METRIC.lastSuccess, "staging")).toBeUndefined();
    expect(value(s, METRIC.lastSuccess, "prod")).toBe(1_700_259_200);
  });
});

describe("push errors and configuration", () => {
  it("an unreachable Pushgateway is a MetricsPushError naming it", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await pushRunMetrics({ url, timeoutMs: 2000 }, run("prod", { at: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricsPushError);
    expect((err as MetricsPushError).message).toContain(url);
  });

  it("credentials in the Pushgateway URL never reach the error", async () => {
    const port = await freePort();
    const err = await pushRunMetrics(
      { url: `http://metrics:s3cr3t-pass@127.0.0.1:${port}`, timeoutMs: 2000 },
      run("prod", { at: 1 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricsPushError);
    const e = err as MetricsPushError;
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify({ message: e.message, gateway: e.gateway, stack: e.stack })).not.toContain("s3cr3t-pass");
    expect(() => pushOptionsFromEnv({ NETPOL_DRIFT_PUSHGATEWAY: "ftp://u:s3cr3t-pass@host" })).toThrow(
      /^(?!.*s3cr3t-pass)/,
    );
  });

  it("NETPOL_DRIFT_PUSHGATEWAY: unset or blank turns metrics off, a bad value is an error", () => {
    expect(pushOptionsFromEnv({})).toBeUndefined();
    expect(pushOptionsFromEnv({ NETPOL_DRIFT_PUSHGATEWAY: "  " })).toBeUndefined();
    expect(pushOptionsFromEnv({ NETPOL_DRIFT_PUSHGATEWAY: "http://pushgateway.monitoring:9091/" })).toEqual({
      url: "http://pushgateway.monitoring:9091",
    });
    expect(() => pushOptionsFromEnv({ NETPOL_DRIFT_PUSHGATEWAY: "pushgateway:9091" })).toThrow(MetricsPushError);
    expect(() => pushOptionsFromEnv({ NETPOL_DRIFT_PUSHGATEWAY: "not a url" })).toThrow(/not a URL/);
  });
});
