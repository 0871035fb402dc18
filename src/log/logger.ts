import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

/** Logs go to stderr (stdout carries the report): JSON for machines, pretty on a terminal. */
export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.NETPOL_DRIFT_LOG_LEVEL ?? "info";
  const wantPretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  const stream = wantPretty ? pretty({ destination: 2, sync: true, colorize: true }) : pino.destination({ fd: 2, sync: true });
  return pino({ name: "netpol-drift", level, base: undefined }, stream);
}

/** A logger that drops everything: for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
