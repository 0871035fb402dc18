import { pino, type Logger } from "pino";

export type LogLine = Record<string, unknown> & { msg?: string; level: number };

/** A real pino logger writing JSON lines into memory, with a way to wait for a line to appear. */
export function memoryLogger(): {
  logger: Logger;
  lines: LogLine[];
  waitFor: (pred: (l: LogLine) => boolean, count?: number) => Promise<LogLine[]>;
} {
  const lines: LogLine[] = [];
  let waiters: { pred: (l: LogLine) => boolean; count: number; resolve: (found: LogLine[]) => void }[] = [];
  const check = () => {
    waiters = waiters.filter((w) => {
      const found = lines.filter(w.pred);
      if (found.length < w.count) return true;
      w.resolve(found);
      return false;
    });
  };
  const logger = pino(
    { level: "debug", base: undefined },
    {
      write(chunk: string) {
        lines.push(JSON.parse(chunk) as LogLine);
        check();
      },
    },
  );
  return {
    logger,
    lines,
    // Bounded by the test timeout: a line that never comes fails the test.
    waitFor: (pred, count = 1) =>
      new Promise((resolve) => {
        waiters.push({ pred, count, resolve });
        check();
      }),
  };
}

export const msg = (text: string) => (l: LogLine) => l.msg === text;

export interface Gate {
  promise: Promise<void>;
  open: () => void;
}
export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Let every already-queued callback and promise job run (no wall-clock wait). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
