// Typed errors carry where they came from: a desired file and line, or the API call.

export class DesiredFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(line ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = "DesiredFileError";
  }
}

export class LiveSourceError extends Error {
  constructor(
    /** e.g. "list networking.k8s.io/v1 networkpolicies (all namespaces)" or a file name. */
    readonly call: string,
    readonly detail: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${call}: ${detail}`, options);
    this.name = "LiveSourceError";
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
