// Checks a request against GitHub's published OpenAPI description (@octokit/openapi, api.github.com.json):
// the path and method exist, path/query parameters are known and of their type/enum, and the JSON body has the
// operation's required fields with the declared types. It is loaded once per test file (13 MB).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  maxLength?: number;
  nullable?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  $ref?: string;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema; $ref?: string };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
};
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter>; schemas: Record<string, Schema> };
};

let cached: { spec: Spec; routes: { template: string; re: RegExp; names: string[]; literal: number }[] } | undefined;

function load() {
  if (cached) return cached;
  const file = fileURLToPath(
    new URL("../../node_modules/@octokit/openapi/generated/api.github.com.json", import.meta.url),
  );
  const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
  const routes = Object.keys(spec.paths).map((template) => {
    const names: string[] = [];
    const re = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)"))}$`,
    );
    return { template, re, names, literal: template.replace(/\{[^}]+\}/g, "").length };
  });
  cached = { spec, routes };
  return cached;
}

export interface MatchedOperation {
  operationId: string;
  template: string;
  params: Record<string, string>;
}

/** The operation a request hits, with every way it strays from the description pushed onto `violations`. */
export function checkGitHubRequest(
  req: { method: string; path: string; query: URLSearchParams; body?: unknown; bodyText: string },
  violations: string[],
): MatchedOperation | undefined {
  const { spec, routes } = load();
  const hits = routes.map((r) => ({ r, m: r.re.exec(req.path) })).filter((x) => x.m);
  // Literal segments win over parameters (/pulls/comments over /pulls/{pull_number}), as in GitHub's router.
  hits.sort((a, b) => b.r.literal - a.r.literal);
  const hit = hits[0];
  const where = `${req.method} ${req.path}`;
  if (!hit?.m) {
    violations.push(`${where}: no such path in the GitHub OpenAPI description`);
    return undefined;
  }
  const op = spec.paths[hit.r.template]?.[req.method.toLowerCase()];
  if (!op) {
    violations.push(`${where}: ${hit.r.template} has no ${req.method} operation`);
    return undefined;
  }
  const params: Record<string, string> = {};
  hit.r.names.forEach((n, i) => (params[n] = decodeURIComponent(hit.m![i + 1]!)));
  const declared = (op.parameters ?? []).map((p) => resolveParam(spec, p));
  for (const p of declared.filter((p) => p.in === "path"))
    checkValue(`${where} path ${p.name}`, params[p.name], p.schema, violations);
  const queryParams = new Map(declared.filter((p) => p.in === "query").map((p) => [p.name, p]));
  for (const [name, value] of req.query) {
    const p = queryParams.get(name);
    if (!p) violations.push(`${where}: query parameter "${name}" is not declared for ${op.operationId}`);
    else checkValue(`${where} query ${name}`, value, p.schema, violations);
  }
  for (const p of queryParams.values())
    if (p.required && !req.query.has(p.name)) violations.push(`${where}: query "${p.name}" is required`);

  const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
  if (op.requestBody?.required && !req.bodyText) violations.push(`${where}: ${op.operationId} requires a JSON body`);
  if (req.bodyText && !bodySchema) violations.push(`${where}: ${op.operationId} takes no JSON body`);
  if (req.bodyText && bodySchema) {
    if (req.body === undefined) violations.push(`${where}: body is not JSON`);
    else checkSchema(spec, `${op.operationId} body`, req.body, bodySchema, violations);
  }
  return { operationId: op.operationId, template: hit.r.template, params };
}

function resolveParam(spec: Spec, p: Parameter): Parameter {
  if (!p.$ref) return p;
  const name = p.$ref.replace("#/components/parameters/", "");
  const resolved = spec.components.parameters[name];
  if (!resolved) throw new Error(`unresolved ${p.$ref}`);
  return resolved;
}

function resolveSchema(spec: Spec, s: Schema): Schema {
  if (!s.$ref) return s;
  const resolved = spec.components.schemas[s.$ref.replace("#/components/schemas/", "")];
  if (!resolved) throw new Error(`unresolved ${s.$ref}`);
  return resolved;
}

// Query and path values arrive as strings; only their form can be checked.
function checkValue(where: string, value: string | undefined, schema: Schema | undefined, violations: string[]): void {
  if (value === undefined || !schema) return;
  if (schema.type === "integer" && !/^-?\d+$/.test(value)) violations.push(`${where}: "${value}" is not an integer`);
  if (schema.type === "boolean" && value !== "true" && value !== "false")
    violations.push(`${where}: "${value}" is not a boolean`);
  if (schema.enum && !schema.enum.includes(value))
    violations.push(`${where}: "${value}" not in ${JSON.stringify(schema.enum)}`);
}

function checkSchema(spec: Spec, where: string, value: unknown, raw: Schema, violations: string[]): void {
  const schema = resolveSchema(spec, raw);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const fits = alternatives.some((alt) => {
      const v: string[] = [];
      checkSchema(spec, where, value, alt, v);
      return v.length === 0;
    });
    if (!fits) violations.push(`${where}: matches none of its ${alternatives.length} alternatives`);
    return;
  }
  if (value === null) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!schema.nullable && !types.includes("null")) violations.push(`${where}: null is not allowed`);
    return;
  }
  const types = (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []).filter(
    (t) => t !== "null",
  );
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    violations.push(`${where}: expected ${types.join("|")}, got ${Array.isArray(value) ? "array" : typeof value}`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value))
    violations.push(`${where}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === "string" && schema.maxLength !== undefined && value.length > schema.maxLength) {
    violations.push(`${where}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => checkSchema(spec, `${where}[${i}]`, v, schema.items!, violations));
  if (typeof value === "object" && !Array.isArray(value) && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) violations.push(`${where}: required field "${r}" missing`);
    for (const [k, v] of Object.entries(obj)) {
      const prop = schema.properties[k];
      if (!prop) violations.push(`${where}: field "${k}" is not in the description`);
      else checkSchema(spec, `${where}.${k}`, v, prop, violations);
    }
  }
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}
