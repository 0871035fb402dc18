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

/** The Helm values file of the traffic analysis cannot be read, or holds an entry that is wrong. */
export class ValuesFileError extends Error {
  constructor(
    /** As the user named it: the --values argument, or the path inside the policy repo. */
    readonly file: string,
    readonly detail: string,
    /** The setting that pointed at it: "--values" or "NETPOL_DRIFT_VALUES". */
    readonly setting: string,
  ) {
    super(`${setting} ${file}: ${detail}`);
    this.name = "ValuesFileError";
  }
}
