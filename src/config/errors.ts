/** A configuration value that is missing or wrong. `key` is the name the user wrote: an environment
 *  variable (NETPOL_DRIFT_PUSH) or a YAML key (push), so the message points at the line to fix. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    /** "environment", "flag", or the config file's path with the key's line (`netpol-drift.yaml:4`). */
    readonly source: string,
    detail: string,
  ) {
    super(`config: ${key} (${source}): ${detail}`);
    this.name = "ConfigError";
  }
}
