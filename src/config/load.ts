import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError } from "./errors.js";
import { redact } from "./redact.js";
import { FIELDS, secretsOf, type FieldName, type RunConfig } from "./schema.js";
import { errorMessage } from "../util/errors.js";

export interface LoadOptions {
  /** A YAML file of the same keys (camelCase), or undefined. */
  file?: string;
  env: NodeJS.ProcessEnv;
  /** Command-line values; they win over both. */
  flags?: Partial<Record<FieldName, string>>;
}

interface Found {
  value: unknown;
  /** The name as the user wrote it, and where. */
  key: string;
  source: string;
}

/** File < environment < flags; every value validated on its own so the error names the key that is wrong. */
export async function loadConfig(opts: LoadOptions): Promise<RunConfig> {
  const found = new Map<FieldName, Found>();
  if (opts.file) {
    const { values, lines } = await readConfigFile(opts.file);
    for (const [k, v] of Object.entries(values))
      found.set(k as FieldName, { value: v, key: k, source: at(opts.file, lines.get(k)) });
  }
  for (const [k, f] of Object.entries(FIELDS) as [FieldName, (typeof FIELDS)[FieldName]][]) {
    const v = opts.env[f.env];
    // ConfigMaps often carry a key with an empty value: that means "not set", not "set to nothing".
    if (v !== undefined && v !== "") found.set(k, { value: v, key: f.env, source: "environment" });
    const flag = opts.flags?.[k];
    if (flag !== undefined) found.set(k, { value: flag, key: `--${k}`, source: "flag" });
  }
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(FIELDS) as [FieldName, (typeof FIELDS)[FieldName]][]) {
    const at = found.get(k);
    const result = f.schema.safeParse(at?.value);
    if (!result.success) {
      if (!at) throw new ConfigError(f.env, "environment", `is required (or \`${k}:\` in the config file)`);
      const issue = result.error.issues[0];
      throw new ConfigError(at.key, at.source, `${issue?.message ?? "is invalid"}${shown(k, at.value)}`);
    }
    out[k] = result.data;
  }
  const partial = out as Omit<RunConfig, "changelog" | "recordsDir"> & { changelog?: string; recordsDir?: string };
  const config: RunConfig = {
    ...partial,
    changelog: partial.changelog ?? `${partial.desiredPath}/CHANGELOG.md`,
    // Outside the desired folder, so nothing that applies that folder (Argo CD, kubectl apply -R) loads a record.
    recordsDir: partial.recordsDir ?? DEFAULT_RECORDS_DIR,
    // Where records went by default before: read back when the new folder has none for the cluster yet.
    ...(partial.recordsDir === undefined ? { legacyRecordsDir: `${partial.desiredPath}/change-records` } : {}),
  };
  crossCheck(config, found);
  return config;
}

/** The default records folder, at the repository's root. */
export const DEFAULT_RECORDS_DIR = "change-records";

function crossCheck(config: RunConfig, found: Map<FieldName, Found>): void {
  const need = (k: FieldName, why: string): void => {
    if (config[k] === undefined)
      throw new ConfigError(FIELDS[k].env, found.get("forge")?.source ?? "environment", `is required ${why}`);
  };
  if (config.forge !== "none") {
    need("forgeRepo", `when NETPOL_DRIFT_FORGE is ${config.forge} (owner/repo on GitHub, group/project on GitLab)`);
    need("forgeToken", `when NETPOL_DRIFT_FORGE is ${config.forge}`);
  }
  if (config.recordsDir === config.desiredPath)
    throw new ConfigError(
      FIELDS.recordsDir.env,
      found.get("recordsDir")?.source ?? "environment",
      "must not be the desired-state folder itself",
    );
}

// Secrets are never echoed back; other values are, so the user sees what was read.
function shown(k: FieldName, value: unknown): string {
  if (value === undefined) return "";
  const secret = secretsOf({ [k]: String(value) } as Partial<RunConfig>).length > 0 || k === "repo";
  return secret
    ? ` (got ${redact(String(value), k === "repo" ? [] : [String(value)])})`
    : `, got ${JSON.stringify(value)}`;
}

/** `file:line`, or the file when the line is not known. */
function at(file: string, line: number | undefined): string {
  return line ? `${file}:${line}` : file;
}

/** The line of each top-level key of a parsed config file. */
function keyLines(doc: ReturnType<typeof parseDocument>, counter: LineCounter): Map<string, number> {
  const out = new Map<string, number>();
  const items = (doc.contents as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)
    ?.items;
  for (const pair of items ?? []) {
    const start = pair.key?.range?.[0];
    if (typeof pair.key?.value === "string" && start !== undefined)
      out.set(pair.key.value, counter.linePos(start).line);
  }
  return out;
}

async function readConfigFile(file: string): Promise<{ values: Record<string, unknown>; lines: Map<string, number> }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError("--config", "flag", `cannot read ${file}: ${errorMessage(err)}`);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const err = doc.errors[0];
  if (err) {
    const { line } = counter.linePos(err.pos[0]);
    throw new ConfigError("--config", "flag", `${file}:${line}: not valid YAML: ${err.message.split("\n")[0]}`);
  }
  const data = (doc.toJS() ?? {}) as unknown;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError("--config", "flag", `${file}: expected a mapping of keys (cluster, repo, …)`);
  }
  const lines = keyLines(doc, counter);
  for (const [k, v] of Object.entries(data)) {
    if (!(k in FIELDS)) {
      const hint = Object.entries(FIELDS).find(([, f]) => f.env === k);
      throw new ConfigError(
        k,
        at(file, lines.get(k)),
        `unknown key${hint ? ` (in the file, write \`${hint[0]}:\`)` : `; known keys: ${Object.keys(FIELDS).join(", ")}`}`,
      );
    }
    const isList = "list" in FIELDS[k as FieldName];
    const listOk = isList && Array.isArray(v) && v.every((x) => x !== null && typeof x !== "object");
    if (v !== null && typeof v === "object" && !listOk)
      throw new ConfigError(
        k,
        at(file, lines.get(k)),
        isList
          ? "must be a list of values or one comma-separated value"
          : "must be a single value, not a list or mapping",
      );
  }
  // A YAML list of a list setting reads as the environment's comma-separated form, so one schema validates both.
  const scalar = (v: unknown): string =>
    Array.isArray(v) ? v.map(String).join(",") : typeof v === "string" ? v : String(v);
  const values = Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, scalar(v)]),
  );
  return { values, lines };
}

export { ConfigError };
