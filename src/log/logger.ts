import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

type Pretty = (opts: { destination: number; sync: boolean; colorize: boolean }) => DestinationStream;

/** Logs go to stderr (stdout carries the report): JSON for machines, pretty on a terminal. */
export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.NETPOL_DRIFT_LOG_LEVEL ?? "info";
  const wantPretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  const pretty = wantPretty ? loadPretty() : undefined;
  const stream = pretty
    ? pretty({ destination: 2, sync: true, colorize: true })
    : pino.destination({ fd: 2, sync: true });
  return pino({ name: "netpol-drift", level, base: undefined }, stream);
}

/**
 * pino-pretty is an optional dependency, loaded only for a terminal: the container image (no terminal)
 * leaves it out, and a missing one means JSON logs, not a crash.
 */
export function loadPretty(require: NodeJS.Require = createRequire(import.meta.url)): Pretty | undefined {
  try {
    const mod = require("pino-pretty") as Pretty | { default: Pretty };
    return typeof mod === "function" ? mod : mod.default;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
    throw err;
  }
}

/** A logger that drops everything: for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
