import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../../../src/model/types.js";
import { METRIC, meterRun } from "../../../../src/sinks/metrics/index.js";
import { memoryLogger, msg } from "../../../helpers/memory-logger.js";
import { freePort, startPushgateway, type RunningPushgateway } from "../../../helpers/pushgateway.js";

function report(drift: [Report["drift"][number]["state"], string, string][]): Report {
  return {
    complete: true,
    summary: { desired: 3, live: 3, inSync: 3 - drift.length, missing: 0, unmanaged: 0, modified: 0 },
    drift: drift.map(([state, namespace, name]) => ({ state, namespace, name, changes: [], diff: "" })),
    skipped: [],
    problems: [],
    generatedAt: "2025-01-01T00:00:00.000Z",
    cluster: "c",
    withheld: [],
    sources: { desired: "d", live: "l", requests: 1 },
  };
}

/** A clock that advances 5 s per call, so the duration is known without measuring anything. */
function clock(startSeconds: number): () => Date {
  let t = startSeconds;
  return () => new Date((t += 5) * 1000);
}

describe("meterRun against a real Pushgateway", () => {
  let pgw: RunningPushgateway;
  beforeAll(async () => {
    pgw = await startPushgateway();
  });
  afterAll(async () => {
    await pgw?.stop();
  });
  const series = async (name: string, cluster: string) =>
    (await pgw.scrape())
      .filter((s) => s.name === name && s.labels.cluster === cluster)
      .map((s) => ({ labels: s.labels, value: s.value }));

  it("pushes the drift of the report the run returned, its duration and success", async () => {
    const { logger } = memoryLogger();
    const detected = report([
      ["modified", "shop", "a"],
      ["missing", "shop", "b"],
    ]);
    const code = await meterRun(async () => ({ code: 0, report: detected }), {
      push: { url: pgw.url },
      cluster: "meter-a",
      logger,
      now: clock(1_000),
    });
    expect(code).toBe(0);
    expect(
      (await series(METRIC.policies, "meter-a"))
        .map((s) => `${s.labels.state}/${s.labels.namespace}=${s.value}`)
        .sort(),
    ).toEqual(["missing/shop=1", "modified/shop=1"]);
    expect(await series(METRIC.duration, "meter-a")).toMatchObject([{ value: 5 }]);
    expect(await series(METRIC.success, "meter-a")).toMatchObject([{ value: 1 }]);
    expect(await series(METRIC.lastSuccess, "meter-a")).toMatchObject([{ value: 1_010 }]);
  });

  it("a run that exits 2 or throws is pushed as failed; the exit code or error is the run's", async () => {
    const { logger } = memoryLogger();
    expect(
      await meterRun(async () => ({ code: 2, report: report([]) }), {
        push: { url: pgw.url },
        cluster: "meter-a",
        logger,
        now: clock(2_000),
      }),
    ).toBe(2);
    expect(await series(METRIC.success, "meter-a")).toMatchObject([{ value: 0 }]);
    expect(await series(METRIC.lastSuccess, "meter-a")).toMatchObject([{ value: 1_010 }]);

    const boom = meterRun(async () => Promise.reject(new Error("boom")), {
      push: { url: pgw.url },
      cluster: "meter-b",
      logger,
      now: clock(3_000),
    });
    await expect(boom).rejects.toThrow("boom");
    expect(await series(METRIC.success, "meter-b")).toMatchObject([{ value: 0 }]);
    expect(await series(METRIC.lastSuccess, "meter-b")).toEqual([]);
  });

  it("without a Pushgateway the run is called and nothing is pushed", async () => {
    const { logger } = memoryLogger();
    let same = false;
    expect(
      await meterRun(async () => ((same = true), { code: 0, report: report([]) }), {
        push: undefined,
        cluster: "meter-off",
        logger,
        now: clock(0),
      }),
    ).toBe(0);
    expect(same).toBe(true);
    expect(await series(METRIC.success, "meter-off")).toEqual([]);
  });

  it("a Pushgateway that is down is logged and does not change the run's exit code", async () => {
    const { logger, lines } = memoryLogger();
    const url = `http://127.0.0.1:${await freePort()}`;
    const code = await meterRun(async () => ({ code: 0, report: report([]) }), {
      push: { url, timeoutMs: 2000 },
      cluster: "x",
      logger,
      now: clock(0),
    });
    expect(code).toBe(0);
    const failed = lines.find(msg("metrics push failed"));
    expect(String((failed?.err as { message?: string })?.message)).toContain(url);
  });
});
