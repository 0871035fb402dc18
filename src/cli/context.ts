import type { Logger } from "../log/logger.js";

/** What a command gets from the process: streams, a logger factory, the clock. Tests pass their own. */
export interface CommandContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  makeLogger: (level?: string) => Logger;
  now: () => Date;
}
