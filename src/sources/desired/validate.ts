import { parseCidr, strictSubset, type Cidr } from "./cidr.js";
import { checkShape } from "./schema.js";

export interface ValidationError {
  /** Path inside the object, to find the line. */
  path: (string | number)[];
  message: string;
}

// What the API server refuses a NetworkPolicy for on create, after the rules of
// pkg/apis/networking/validation (ValidateNetworkPolicy), apimachinery's ObjectMeta, label and label
// selector validation, and strict decoding (schema.ts): an object it refuses must be a problem here, never
// a permanent "modified".
type Path = (string | number)[];
type Obj = Record<string, unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PROTOCOLS = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES = ["Ingress", "Egress"];
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function validatePolicy(obj: Obj): ValidationError[] {
  const shape = checkShape(obj);
  if (shape.length > 0) return shape; // the server stops at decoding: the rules below assume the types
  const errors: ValidationError[] = [];
  const add = (path: Path, message: string) => errors.push({ path, message });
  const meta = (obj.metadata ?? {}) as Obj;
  if (typeof meta.name !== "string" || meta.name === "")
    add(obj.metadata ? ["metadata"] : [], "NetworkPolicy has no metadata.name");
  else if (!isDns1123Subdomain(meta.name))
    add(
      ["metadata", "name"],
      `invalid name ${JSON.stringify(meta.name)}: must be a DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most 253)`,
    );
  if (typeof meta.namespace === "string" && meta.namespace !== "") {
    const why = namespaceError(meta.namespace);
    if (why) add(["metadata", "namespace"], why);
  }
  labels(meta.labels as Obj | undefined, ["metadata", "labels"], add);
  annotations(meta.annotations as Obj | undefined, add);
  ((meta.finalizers ?? []) as string[]).forEach((f, i) =>
    qualifiedName(f, ["metadata", "finalizers", i], "finalizer", add),
  );

  const spec = (obj.spec ?? {}) as Obj;
  selector(spec.podSelector as Obj | undefined, ["spec", "podSelector"], add);
  for (const dir of ["ingress", "egress"] as const) {
    const peersKey = dir === "ingress" ? "from" : "to";
    ((spec[dir] ?? []) as (Obj | null)[]).forEach((rule, r) => {
      const at = ["spec", dir, r];
      ((rule?.[peersKey] ?? []) as (Obj | null)[]).forEach((p, i) => peer(p ?? {}, [...at, peersKey, i], add));
      ((rule?.ports ?? []) as (Obj | null)[]).forEach((p, i) => port(p ?? {}, [...at, "ports", i], add));
    });
  }
  const types = (spec.policyTypes ?? []) as (string | null)[];
  if (types.length > 2) add(["spec", "policyTypes"], "may not specify more than two policyTypes");
  else
    types.forEach((t, i) => {
      if (!POLICY_TYPES.includes(t ?? ""))
        add(["spec", "policyTypes", i], `unsupported policyType ${JSON.stringify(t ?? "")}: Ingress or Egress`);
    });
  return errors;
}

/** Why a namespace name is refused (a DNS-1123 label), or undefined. */
export function namespaceError(ns: string): string | undefined {
  return ns.length <= 63 && DNS1123_LABEL.test(ns)
    ? undefined
    : `invalid namespace ${JSON.stringify(ns)}: must be a DNS-1123 label (lower case letters, digits and '-', at most 63)`;
}

type Add = (path: Path, message: string) => void;

function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** apimachinery IsQualifiedName: [prefix/]name, prefix a DNS-1123 subdomain, name at most 63. */
function qualifiedName(key: string, path: Path, what: string, add: Add): boolean {
  const parts = key.split("/");
  const name = parts.length === 2 ? (parts[1] as string) : (parts[0] as string);
  let why: string | undefined;
  if (parts.length > 2) why = "may hold one '/' at most";
  else if (parts.length === 2 && parts[0] === "") why = "has an empty prefix before '/'";
  else if (parts.length === 2 && !isDns1123Subdomain(parts[0] as string))
    why = "has a prefix that is not a DNS-1123 subdomain";
  else if (name === "") why = "is empty";
  else if (name.length > 63) why = "is longer than 63 characters";
  else if (!QUALIFIED_NAME.test(name))
    why = "must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  if (why) add(path, `invalid ${what} ${JSON.stringify(key)}: ${why}`);
  return why === undefined;
}

function labelValue(value: string, path: Path, add: Add): boolean {
  if (value.length <= 63 && LABEL_VALUE.test(value)) return true;
  add(
    path,
    `invalid label value ${JSON.stringify(value)}: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
  );
  return false;
}

function labels(map: Obj | undefined, path: Path, add: Add): void {
  if (!map) return;
  for (const k of Object.keys(map)) {
    const v = map[k];
    // 50,000 policies repeat the same keys and values: one seen valid is not checked (nor its path built) again.
    if (!VALID_KEYS.has(k) && qualifiedName(k, [...path, k], "label key", add)) remember(VALID_KEYS, k);
    if (typeof v === "string" && !VALID_VALUES.has(v) && labelValue(v, [...path, k], add)) remember(VALID_VALUES, v);
  }
}

const VALID_KEYS = new Set<string>();
const VALID_VALUES = new Set<string>();
function remember(set: Set<string>, s: string): void {
  if (set.size >= 50_000) set.clear();
  // A flat copy: a slice of a file's text would keep the whole text alive (see normalize/strings.ts).
  set.add(s.length < 13 ? s : ` ${s}`.slice(1));
}

function annotations(map: Obj | undefined, add: Add): void {
  let size = 0;
  for (const [k, v] of Object.entries(map ?? {})) {
    qualifiedName(k.toLowerCase(), ["metadata", "annotations", k], "annotation key", add);
    size += k.length + (typeof v === "string" ? v.length : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES)
    add(["metadata", "annotations"], `annotations may hold ${ANNOTATIONS_MAX_BYTES} bytes at most, found ${size}`);
}

function selector(sel: Obj | undefined, path: Path, add: Add): void {
  if (!sel) return;
  labels(sel.matchLabels as Obj | undefined, [...path, "matchLabels"], add);
  // Not a server rule but a deliberate refusal: `app:` alone is dropped by kubectl apply (the selector then
  // matches more) and stored as "" by create and server-side apply. Either reading could be a false verdict.
  for (const [k, v] of Object.entries((sel.matchLabels ?? {}) as Obj)) {
    if (v === null)
      add(
        [...path, "matchLabels", k],
        `matchLabels ${JSON.stringify(k)} has no value: kubectl apply drops it, create and server-side apply match ""; write ${k}: "" or remove it`,
      );
  }
  ((sel.matchExpressions ?? []) as (Obj | null)[]).forEach((e, i) => {
    const at = [...path, "matchExpressions", i];
    const {
      key = "",
      operator = "",
      values,
    } = (e ?? {}) as { key?: string; operator?: string; values?: (string | null)[] };
    const count = values?.length ?? 0;
    if (operator === "In" || operator === "NotIn") {
      if (count === 0) add([...at, "values"], `values must be given when operator is ${operator}`);
    } else if (operator === "Exists" || operator === "DoesNotExist") {
      if (count > 0) add([...at, "values"], `values may not be given when operator is ${operator}`);
    } else {
      add([...at, "operator"], `unsupported operator ${JSON.stringify(operator)}: In, NotIn, Exists or DoesNotExist`);
    }
    qualifiedName(key, [...at, "key"], "label key", add);
    (values ?? []).forEach((v, j) => labelValue(v ?? "", [...at, "values", j], add));
  });
}

function peer(p: Obj, path: Path, add: Add): void {
  let count = 0;
  for (const key of ["podSelector", "namespaceSelector"] as const) {
    if (p[key] === undefined || p[key] === null) continue;
    count++;
    selector(p[key] as Obj, [...path, key], add);
  }
  const block = p.ipBlock as Obj | undefined | null;
  if (block) {
    count++;
    ipBlock(block, [...path, "ipBlock"], add);
  }
  if (count === 0) add(path, "a peer must give podSelector, namespaceSelector or ipBlock");
  else if (count > 1 && block) add(path, "a peer may not give ipBlock together with a selector");
}

function ipBlock(block: Obj, path: Path, add: Add): void {
  const cidrText = (block.cidr ?? "") as string;
  if (cidrText === "") {
    add([...path, "cidr"], "ipBlock needs a cidr");
    return;
  }
  const outer = checkedCidr(cidrText, [...path, "cidr"], add);
  ((block.except ?? []) as (string | null)[]).forEach((text, i) => {
    const at = [...path, "except", i];
    const inner = checkedCidr(text ?? "", at, add);
    if (outer && inner && !strictSubset(inner, outer))
      add(at, `except ${JSON.stringify(text)} must be a strict subset of cidr ${JSON.stringify(cidrText)}`);
  });
}

function checkedCidr(text: string, path: Path, add: Add): Cidr | undefined {
  const r = parseCidr(text);
  if ("error" in r) {
    add(path, `invalid CIDR ${JSON.stringify(text)}: ${r.error}`);
    return undefined;
  }
  return r.cidr;
}

function port(p: Obj, path: Path, add: Add): void {
  if (p.protocol !== undefined && p.protocol !== null && !PROTOCOLS.includes(p.protocol as string)) {
    add([...path, "protocol"], `unsupported protocol ${JSON.stringify(p.protocol)}: TCP, UDP or SCTP`);
  }
  const n = p.port;
  const end = p.endPort as number | undefined | null;
  const hasEnd = end !== undefined && end !== null;
  if (typeof n === "number") {
    if (n < 1 || n > 65535) add([...path, "port"], `port ${n} is out of range 1-65535`);
    if (hasEnd) {
      if (end < n) add([...path, "endPort"], `endPort ${end} must be greater than or equal to port ${n}`);
      if (end < 1 || end > 65535) add([...path, "endPort"], `endPort ${end} is out of range 1-65535`);
    }
  } else if (typeof n === "string") {
    if (hasEnd) add([...path, "endPort"], "endPort may not be given when port is a name");
    if (/^[0-9]+$/.test(n))
      add(
        [...path, "port"],
        `port "${n}" is a string: the API server takes it as a port name and refuses it; write port: ${Number(n)}`,
      );
    else if (!isIanaServiceName(n))
      add(
        [...path, "port"],
        `invalid port name ${JSON.stringify(n)}: at most 15 lower case letters, digits and '-', with a letter, no '--'`,
      );
  } else if (hasEnd) add([...path, "endPort"], "endPort may not be given without port");
}

// IANA_SVC_NAME, as the API server checks a named port.
function isIanaServiceName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes("--")
  );
}
