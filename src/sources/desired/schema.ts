import type { ValidationError } from "./validate.js";

// The NetworkPolicy (networking.k8s.io/v1) schema as the API server decodes it with
// fieldValidation=Strict: every field by its exact (case-sensitive) name and JSON type; anything else is
// "unknown field" (kubectl refuses `spec.ingres` and `status`). `null` is an absent field, as in Go's JSON.

type Shape =
  | "string"
  | "bool"
  | "int32"
  | "int64"
  | "intOrString"
  | "any-object"
  | { map: Shape }
  | { list: Shape }
  | { fields: Record<string, Shape> };

const labelSelector: Shape = {
  fields: {
    matchLabels: { map: "string" },
    matchExpressions: { list: { fields: { key: "string", operator: "string", values: { list: "string" } } } },
  },
};
const peer: Shape = {
  fields: {
    podSelector: labelSelector,
    namespaceSelector: labelSelector,
    ipBlock: { fields: { cidr: "string", except: { list: "string" } } },
  },
};
const port: Shape = { fields: { protocol: "string", port: "intOrString", endPort: "int32" } };
const objectMeta: Shape = {
  fields: {
    name: "string",
    generateName: "string",
    namespace: "string",
    selfLink: "string",
    uid: "string",
    resourceVersion: "string",
    generation: "int64",
    creationTimestamp: "string",
    deletionTimestamp: "string",
    deletionGracePeriodSeconds: "int64",
    labels: { map: "string" },
    annotations: { map: "string" },
    ownerReferences: {
      list: {
        fields: {
          apiVersion: "string",
          kind: "string",
          name: "string",
          uid: "string",
          controller: "bool",
          blockOwnerDeletion: "bool",
        },
      },
    },
    finalizers: { list: "string" },
    managedFields: {
      list: {
        fields: {
          manager: "string",
          operation: "string",
          apiVersion: "string",
          time: "string",
          fieldsType: "string",
          fieldsV1: "any-object",
          subresource: "string",
        },
      },
    },
  },
};
export const NETWORK_POLICY: Shape = {
  fields: {
    apiVersion: "string",
    kind: "string",
    metadata: objectMeta,
    spec: {
      fields: {
        podSelector: labelSelector,
        ingress: { list: { fields: { from: { list: peer }, ports: { list: port } } } },
        egress: { list: { fields: { to: { list: peer }, ports: { list: port } } } },
        policyTypes: { list: "string" },
      },
    },
  },
};

const INT32 = 2 ** 31;

/** Unknown fields and wrong types, as strict decoding reports them; at most one error per field. */
export function checkShape(
  value: unknown,
  shape: Shape = NETWORK_POLICY,
  path: (string | number)[] = [],
): ValidationError[] {
  const errors: ValidationError[] = [];
  walk(value, shape, [...path], errors);
  return errors;
}

// `path` is one stack shared by the whole walk (pushed and popped): valid objects, the common case,
// allocate nothing per field.
function walk(value: unknown, shape: Shape, path: (string | number)[], errors: ValidationError[]): void {
  if (value === null || value === undefined) return;
  if (typeof shape === "string") {
    if (shape === "string" ? typeof value === "string" : shape === "any-object" && isObject(value)) return;
    if (shape === "string") {
      if (typeof value !== "string")
        wrongType(value, "a string (quote it: YAML reads yes/no/on/off as booleans and 1.0 as a number)", path, errors);
    } else if (shape === "bool") {
      if (typeof value !== "boolean") wrongType(value, "true or false", path, errors);
    } else if (shape === "int32") {
      if (!isInt(value, INT32)) wrongType(value, "a whole number (32-bit)", path, errors);
    } else if (shape === "int64") {
      if (!isInt(value, 2 ** 63)) wrongType(value, "a whole number", path, errors);
    } else if (shape === "intOrString") {
      if (typeof value !== "string" && !isInt(value, INT32))
        wrongType(value, "a port number or a port name", path, errors);
    } else if (!isObject(value)) wrongType(value, "a mapping", path, errors);
    return;
  }
  if ("list" in shape) {
    if (!Array.isArray(value)) {
      wrongType(value, "a list", path, errors);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], shape.list, path, errors);
      path.pop();
    }
    return;
  }
  if (!isObject(value)) {
    wrongType(value, "a mapping", path, errors);
    return;
  }
  for (const k in value) {
    // Own fields only: `constructor:` or `toString:` in a manifest is an unknown field, not Object's.
    const field = "map" in shape ? shape.map : Object.hasOwn(shape.fields, k) ? shape.fields[k] : undefined;
    path.push(k);
    if (field === undefined) {
      const known = Object.keys((shape as { fields: Record<string, Shape> }).fields);
      const near = known.find((f) => f.toLowerCase() === k.toLowerCase() || editDistanceAtMostOne(f, k));
      errors.push({
        path: [...path],
        message: `unknown field "${path.join(".")}"${near ? ` (did you mean "${near}"?)` : ""}: the API server refuses it (strict field validation)`,
      });
    } else walk(value[k], field, path, errors);
    path.pop();
  }
}

function wrongType(value: unknown, what: string, path: (string | number)[], errors: ValidationError[]): void {
  const where = path.length > 0 ? path.join(".") : "the object";
  errors.push({ path: [...path], message: `${where} must be ${what}, found ${describe(value)}` });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInt(v: unknown, bound: number): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= -bound && v < bound;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (isObject(v)) return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return `${typeof v === "boolean" ? "the boolean" : "the number"} ${String(v)}`;
}

/** One letter changed, added, dropped, or two neighbours swapped: a typo worth naming. */
export function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const [x, y] = [a.slice(i), b.slice(i)];
  const swapped = x.length === y.length && x.length >= 2 && x[0] === y[1] && x[1] === y[0] && x.slice(2) === y.slice(2);
  return swapped || x.slice(1) === y.slice(1) || x.slice(1) === y || x === y.slice(1);
}

/** Every field path of a shape ("spec.ingress.from.ipBlock.cidr"), list items and map values left out. */
export function fieldPaths(shape: Shape = NETWORK_POLICY, prefix = ""): string[] {
  if (typeof shape === "string") return [];
  if ("list" in shape) return fieldPaths(shape.list, prefix);
  if ("map" in shape) return [];
  return Object.entries(shape.fields).flatMap(([k, v]) => {
    const here = prefix ? `${prefix}.${k}` : k;
    return [here, ...fieldPaths(v, here)];
  });
}

/**
 * The value as Go's JSON decoding leaves it: a null list element is the element type's zero value (`""`,
 * `{}`), e.g. `values: [null]` is the value "" and `ports: [null]` a port without fields. Call after
 * checkShape found nothing. Mutates and returns `value`.
 */
export function asDecoded<T>(value: T, shape: Shape = NETWORK_POLICY): T {
  if (value === null || typeof value !== "object" || typeof shape === "string" || "map" in shape) return value;
  if ("list" in shape) {
    const list = value as unknown[];
    const item = shape.list;
    for (let i = 0; i < list.length; i++) {
      list[i] =
        list[i] === null
          ? item === "string"
            ? ""
            : typeof item === "object" && "fields" in item
              ? {}
              : list[i]
          : asDecoded(list[i], item);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const field = Object.hasOwn(shape.fields, k) ? shape.fields[k] : undefined;
    if (field !== undefined) asDecoded(obj[k], field);
  }
  return value;
}
