import { getTasks } from "node-cron";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/model/errors.js";
import { localTime, runSchedule, ScheduleConfigError, validateSchedule } from "../../../src/workers/schedule.js";
import { gate, memoryLogger, msg, settle, type Gate } from "../../helpers/memory-logger.js";

// Real node-cron on a seconds-level expression. Assertions count runs and concurrency; none measures time.
const EVERY_SECOND = "* * * * * *";

describe("validateSchedule", () => {
  it.each([
    ["30 2 * * *", "Etc/UTC"],
    ["0 30 2 * * *", "Europe/Berlin"],
    ["@daily", "America/New_York"],
    ["0 2 * * MON-FRI", "Asia/Kolkata"],
  ])("accepts %s in %s", (cron, timezone) => {
    expect(() => validateSchedule({ cron, timezone })).not.toThrow();
  });

  it.each([
    ["61 * * * *", "Etc/UTC", /invalid cron expression "61 \* \* \* \*": minute: 61/],
    ["* * *", "Etc/UTC", /expected 5 or 6 fields but got 3/],
    ["TZ=UTC 0 2 * * *", "Etc/UTC", /invalid cron expression/],
    ["   ", "Etc/UTC", /--cron is empty/],
    ["30 2 * * *", "Europe/Atlantis", /unknown time zone "Europe\/Atlantis"/],
    ["30 2 * * *", "", /unknown time zone/],
  ])("rejects %j in %j with a message that says what is wrong", (cron, timezone, message) => {
    const err = (() => {
      try {
        validateSchedule({ cron, timezone });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ScheduleConfigError);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  it("runSchedule refuses an invalid schedule before scheduling anything", async () => {
    const { logger } = memoryLogger();
    const job = () => Promise.resolve(0);
    await expect(
      runSchedule({ cron: "* * * * 8", timezone: "Etc/UTC" }, { job, logger, signal: new AbortController().signal }),
    ).rejects.toThrow(ScheduleConfigError);
    expect(getTasks().size).toBe(0);
  });
});

describe("runSchedule", () => {
  it("logs the next run time in the schedule's own time zone", async () => {
    const { logger, waitFor } = memoryLogger();
    const controller = new AbortController();
    const done = runSchedule(
      { cron: "30 2 * * *", timezone: "Asia/Kolkata" },
      { job: () => Promise.resolve(0), logger, signal: controller.signal },
    );
    const [next] = await waitFor(msg("next run"));
    controller.abort();
    expect(await done).toEqual({ runs: 0, failed: 0, skipped: 0 });
    // 02:30 in Kolkata (UTC+05:30, no DST) is 21:00 UTC the day before.
    expect(next?.next).toMatch(/T21:00:00\.000Z$/);
    expect(next?.nextLocal).toMatch(/^\d{4}-\d\d-\d\d 02:30:00 Asia\/Kolkata$/);
    expect(next?.cron).toBe("30 2 * * *");
    expect(next?.timezone).toBe("Asia/Kolkata");
    expect(getTasks().size).toBe(0);
  });

  it("never runs two at once: slots that come while a run is going are skipped and logged, and node-cron's own log reaches pino", async () => {
    const { logger, lines, waitFor } = memoryLogger();
    const controller = new AbortController();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const firstRun = gate();
    const job = async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      if (calls === 1) await firstRun.promise;
      active--;
      return 0;
    };
    const done = runSchedule({ cron: EVERY_SECOND, timezone: "Etc/UTC" }, { job, logger, signal: controller.signal });

    await waitFor(msg("scheduled run started"));
    await waitFor(msg("previous run still going: this slot is skipped, not queued"), 2);
    firstRun.open();
    await waitFor(msg("scheduled run started"), 2);
    await waitFor(msg("next run"), 3); // at start, then after each of the two runs
    controller.abort();
    const summary = await done;

    expect(maxActive).toBe(1);
    expect(summary.runs).toBe(calls);
    expect(summary.runs).toBeGreaterThanOrEqual(2);
    expect(summary.skipped).toBeGreaterThanOrEqual(2);
    expect(summary.failed).toBe(0);
    expect(lines.filter(msg("scheduled run started")).length).toBe(calls);
    // node-cron's own overlap warning, through the logger we passed, tagged as its component.
    expect(lines.some((l) => l.component === "node-cron" && /overlap/.test(String(l.msg)) && l.level === 40)).toBe(
      true,
    );
  });

  it("a stop request lets the current run finish, starts no other, and only then resolves", async () => {
    const { logger, lines, waitFor } = memoryLogger();
    const controller = new AbortController();
    let calls = 0;
    let finished = 0;
    const running: Gate = gate();
    const job = async () => {
      calls++;
      await running.promise;
      finished++;
      return 1; // drift found: not a failure
    };
    let resolved = false;
    const done = runSchedule(
      { cron: EVERY_SECOND, timezone: "Etc/UTC" },
      { job, logger, signal: controller.signal },
    ).then((s) => {
      resolved = true;
      return s;
    });

    await waitFor(msg("scheduled run started"));
    controller.abort();
    await waitFor(msg("stopping: waiting for the current run to finish"));
    await settle();
    expect(resolved).toBe(false);
    expect(getTasks().size).toBe(1);

    running.open();
    expect(await done).toEqual({ runs: 1, failed: 0, skipped: expect.any(Number) });
    expect(finished).toBe(1);
    expect(calls).toBe(1);
    expect(getTasks().size).toBe(0); // destroyed: no timer left that could start another run
    expect(lines.some(msg("scheduler stopped"))).toBe(true);
  });

  it("a run that throws or exits 2 is logged as failed and the schedule goes on", async () => {
    const { logger, lines, waitFor } = memoryLogger();
    const controller = new AbortController();
    let calls = 0;
    const job = async () => {
      calls++;
      if (calls === 1) throw new Error("clone failed");
      return calls === 2 ? 2 : 0;
    };
    const done = runSchedule({ cron: EVERY_SECOND, timezone: "Etc/UTC" }, { job, logger, signal: controller.signal });
    await waitFor(msg("scheduled run finished"));
    controller.abort();
    const summary = await done;
    expect(summary.failed).toBe(2);
    expect(summary.runs).toBe(calls);
    expect(calls).toBeGreaterThanOrEqual(3);
    const threw = lines.find(msg("scheduled run threw"));
    expect((threw?.err as { message?: string })?.message).toBe("clone failed");
    expect(lines.filter(msg("scheduled run failed")).map((l) => l.exitCode)).toEqual([2, 2]);
  });

  it("an already aborted signal schedules nothing", async () => {
    const { logger } = memoryLogger();
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const summary = await runSchedule(
      { cron: EVERY_SECOND, timezone: "Etc/UTC" },
      { job: async () => ++calls, logger, signal: controller.signal },
    );
    expect(summary).toEqual({ runs: 0, failed: 0, skipped: 0 });
    expect(getTasks().size).toBe(0);
  });
});

describe("localTime", () => {
  it("shows wall-clock time in the zone, across DST", () => {
    expect(localTime(new Date("2025-01-15T01:30:00Z"), "Europe/Berlin")).toBe("2025-01-15 02:30:00 Europe/Berlin");
    expect(localTime(new Date("2025-07-15T00:30:00Z"), "Europe/Berlin")).toBe("2025-07-15 02:30:00 Europe/Berlin");
  });
});
