import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../src/cli/context.js";
import { main } from "../../../src/cli/main.js";
import { scheduleCommandWith, splitArgs, type ScheduleCommandDeps } from "../../../src/cli/schedule.js";
import { UsageError } from "../../../src/model/errors.js";
import { memoryLogger, msg } from "../../helpers/memory-logger.js";

function context(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const log = memoryLogger();
  const levels: (string | undefined)[] = [];
  const ctx: CommandContext = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    stdoutIsTTY: false,
    env,
    makeLogger: (level) => {
      levels.push(level);
      return log.logger;
    },
    now: () => new Date("2025-01-01T00:00:00Z"),
  };
  return { ctx, log, levels, out: () => out, err: () => err };
}

describe("splitArgs", () => {
  it("keeps --cron/--timezone and hands every other flag to run unchanged", () => {
    expect(
      splitArgs([
        "--cron",
        "30 2 * * *",
        "--desired",
        "d",
        "--timezone=Europe/Berlin",
        "-n",
        "shop",
        "--log-level",
        "debug",
      ]),
    ).toEqual({
      own: { cron: "30 2 * * *", timezone: "Europe/Berlin" },
      rest: ["--desired", "d", "-n", "shop", "--log-level", "debug"],
    });
    expect(splitArgs(["--cron=@daily", "--", "--cron", "x"])).toEqual({
      own: { cron: "@daily" },
      rest: ["--cron", "x"],
    });
    expect(splitArgs(["-h"]).own.help).toBe(true);
  });

  it("rejects a flag without a value or given twice", () => {
    expect(() => splitArgs(["--cron"])).toThrow(UsageError);
    expect(() => splitArgs(["--timezone", "UTC", "--timezone", "Etc/UTC"])).toThrow(/given twice/);
  });
});

describe("netpol-drift schedule", () => {
  it("is a registered command whose errors for a bad expression or zone are usage errors (exit 2)", async () => {
    const bad = context();
    expect(await main(["schedule", "--cron", "61 * * * *"], bad.ctx)).toBe(2);
    expect(bad.err()).toContain('invalid cron expression "61 * * * *": minute');
    expect(bad.err()).toContain("--help");

    const zone = context();
    expect(await main(["schedule", "--cron", "30 2 * * *", "--timezone", "Mars/Olympus_Mons"], zone.ctx)).toBe(2);
    expect(zone.err()).toContain('unknown time zone "Mars/Olympus_Mons"');

    const none = context();
    expect(await main(["schedule"], none.ctx)).toBe(2);
    expect(none.err()).toContain("--cron is required");

    const help = context();
    expect(await main(["schedule", "--help"], help.ctx)).toBe(0);
    expect(help.out()).toContain("netpol-drift schedule --cron EXPR");
  });

  it("is wired to `run`: its configuration is checked once at start, before any slot", async () => {
    const t = context({}); // no NETPOL_DRIFT_* settings at all
    expect(await main(["schedule", "--cron", "@daily", "--live-file", "live.json"], t.ctx)).toBe(2);
    expect(t.err()).toMatch(/NETPOL_DRIFT_(CLUSTER|REPO)/);
    expect(t.log.lines.some(msg("scheduler started"))).toBe(false);

    const flags = context({});
    expect(await main(["schedule", "--cron", "@daily", "--desired", "d"], flags.ctx)).toBe(2);
    expect(flags.err()).toContain("NETPOL_DRIFT_DESIRED_PATH");
  });

  it("runs the job on the schedule with the pass-through flags and stops cleanly on SIGTERM", async () => {
    const t = context({ NETPOL_DRIFT_TIMEZONE: "Europe/Berlin" });
    const signals = new EventEmitter();
    const seen: string[][] = [];
    let runs = 0;
    const deps: ScheduleCommandDeps = {
      signals,
      makeJob: async (runArgs) => {
        seen.push(runArgs);
        return async () => {
          runs++;
          return 0;
        };
      },
    };
    const exit = scheduleCommandWith(
      ["--cron", "* * * * * *", "--desired", "policies", "--log-level", "debug"],
      t.ctx,
      deps,
    );
    const [started] = await t.log.waitFor(msg("scheduler started"));
    expect(started?.timezone).toBe("Europe/Berlin");
    await t.log.waitFor(msg("scheduled run finished"));
    expect(signals.listenerCount("SIGTERM")).toBe(1);
    expect(signals.listenerCount("SIGINT")).toBe(1);

    signals.emit("SIGTERM", "SIGTERM");
    expect(await exit).toBe(0);
    expect(seen).toEqual([["--desired", "policies", "--log-level", "debug"]]);
    expect(t.levels).toEqual(["debug"]);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(signals.listenerCount("SIGTERM")).toBe(0);
    expect(signals.listenerCount("SIGINT")).toBe(0);
  });

  it("a second signal while the run finishes only says so; the run still completes", async () => {
    const t = context({ NETPOL_DRIFT_SCHEDULE: "* * * * * *" });
    const signals = new EventEmitter();
    let release!: () => void;
    let completed = 0;
    const deps: ScheduleCommandDeps = {
      signals,
      makeJob: async () => async () => {
        await new Promise<void>((r) => (release = r));
        completed++;
        return 0;
      },
    };
    const exit = scheduleCommandWith([], t.ctx, deps);
    const [started] = await t.log.waitFor(msg("scheduler started"));
    expect(started?.cron).toBe("* * * * * *");
    expect(started?.timezone).toBe("Etc/UTC");
    await t.log.waitFor(msg("scheduled run started"));
    signals.emit("SIGINT", "SIGINT");
    signals.emit("SIGTERM", "SIGTERM");
    await t.log.waitFor(msg("already stopping: waiting for the current run to finish"));
    release();
    expect(await exit).toBe(0);
    expect(completed).toBe(1);
  });

  it("bad run flags fail at start, before the first slot", async () => {
    const t = context();
    const signals = new EventEmitter();
    const deps: ScheduleCommandDeps = {
      signals,
      makeJob: async (runArgs) => {
        throw new UsageError(`unknown flag ${runArgs[0]}`);
      },
    };
    await expect(scheduleCommandWith(["--cron", "@daily", "--bogus"], t.ctx, deps)).rejects.toThrow(
      "unknown flag --bogus",
    );
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });
});
