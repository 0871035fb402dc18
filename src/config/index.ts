export { ConfigError } from "./errors.js";
export { loadConfig, type LoadOptions } from "./load.js";
export { redact, redactError, safeUrl } from "./redact.js";
export { FIELDS, secretsOf, type FieldName, type RunConfig } from "./schema.js";
