import { asArray, isRecord } from "../../normalize/canonical.js";

export interface ValidationError {
  /** Path inside the object, to find the line. */
  path: (string | number)[];
  message: string;
}

// The checks the API server would refuse the object for, where a wrong value would otherwise be reported as
// drift forever. Not a full re-implementation of apiserver validation.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PROTOCOLS = new Set(["TCP", "UDP", "SCTP"]);
const POLICY_TYPES = new Set(["Ingress", "Egress"]);

export function validatePolicy(obj: Record<string, unknown>): ValidationError[] {
  const errors: ValidationError[] = [];
  const meta = obj.metadata;
  if (!isRecord(meta)) return [{ path: [], message: "NetworkPolicy has no metadata (and so no name)" }];
  if (typeof meta.name !== "string" || meta.name === "") {
    errors.push({ path: ["metadata"], message: "NetworkPolicy has no metadata.name" });
  } else if (meta.name.length > 253 || !DNS1123_SUBDOMAIN.test(meta.name)) {
    errors.push({ path: ["metadata", "name"], message: `invalid name "${meta.name}": must be a DNS-1123 subdomain` });
  }
  if (meta.namespace != null && (typeof meta.namespace !== "string" || !DNS1123_LABEL.test(meta.namespace))) {
    errors.push({ path: ["metadata", "namespace"], message: `invalid namespace "${String(meta.namespace)}"` });
  }
  if (obj.spec !== undefined && obj.spec !== null && !isRecord(obj.spec)) {
    errors.push({ path: ["spec"], message: "spec must be a mapping" });
    return errors;
  }
  errors.push(...validateLabels(meta.labels, ["metadata", "labels"]));
  const spec = isRecord(obj.spec) ? obj.spec : {};
  errors.push(...validateSelector(spec.podSelector, ["spec", "podSelector"]));
  if (asArray(spec.policyTypes).length > POLICY_TYPES.size) {
    errors.push({ path: ["spec", "policyTypes"], message: "policyTypes may name Ingress and Egress once each" });
  }
  asArray(spec.policyTypes).forEach((t, i) => {
    if (!POLICY_TYPES.has(String(t))) errors.push({ path: ["spec", "policyTypes", i], message: `unknown policyType "${String(t)}"` });
  });
  for (const dir of ["ingress", "egress"] as const) {
    if (spec[dir] !== undefined && spec[dir] !== null && !Array.isArray(spec[dir])) {
      errors.push({ path: ["spec", dir], message: `spec.${dir} must be a list` });
      continue;
    }
    asArray(spec[dir]).forEach((rule, r) => {
      if (!isRecord(rule)) return;
      asArray(rule[dir === "ingress" ? "from" : "to"]).forEach((peer, i) => {
        if (!isRecord(peer)) return;
        const at = ["spec", dir, r, dir === "ingress" ? "from" : "to", i];
        errors.push(...validateSelector(peer.podSelector, [...at, "podSelector"]), ...validateSelector(peer.namespaceSelector, [...at, "namespaceSelector"]));
      });
      asArray(rule.ports).forEach((port, p) => errors.push(...validatePort(port, ["spec", dir, r, "ports", p])));
    });
  }
  return errors;
}

function validatePort(port: unknown, path: (string | number)[]): ValidationError[] {
  if (!isRecord(port)) return [{ path, message: "a port must be a mapping" }];
  const errors: ValidationError[] = [];
  if (port.protocol != null && !PROTOCOLS.has(String(port.protocol))) {
    errors.push({ path: [...path, "protocol"], message: `unsupported protocol "${String(port.protocol)}" (TCP, UDP or SCTP)` });
  }
  const p = port.port;
  if (typeof p === "number" && (!Number.isInteger(p) || p < 1 || p > 65535)) {
    errors.push({ path: [...path, "port"], message: `port ${p} is out of range 1-65535` });
  }
  if (typeof p === "string" && /^[0-9]+$/.test(p)) {
    errors.push({ path: [...path, "port"], message: `port "${p}" is a string: the API server takes it as a port name and refuses it; write port: ${Number(p)}` });
  } else if (typeof p === "string" && !isIanaServiceName(p)) {
    errors.push({ path: [...path, "port"], message: `invalid named port "${p}"` });
  }
  if (port.endPort != null) {
    const e = port.endPort;
    if (typeof p !== "number") errors.push({ path: [...path, "endPort"], message: "endPort needs a numeric port" });
    else if (typeof e !== "number" || e < p || e > 65535) {
      errors.push({ path: [...path, "endPort"], message: `endPort ${String(e)} must be between port ${p} and 65535` });
    }
  }
  return errors;
}

// YAML reads `version: 1.0` or `enabled: true` as a number or a boolean; the API server refuses those as
// label values, while String() here would quietly turn 1.0 into "1".
function validateLabels(labels: unknown, path: (string | number)[]): ValidationError[] {
  if (!isRecord(labels)) return [];
  return Object.entries(labels)
    .filter(([, v]) => typeof v !== "string" && v !== null) // `key:` alone is "" to the API server
    .map(([k]) => ({ path: [...path, k], message: `label "${k}" must have a string value: quote it` }));
}

function validateSelector(selector: unknown, path: (string | number)[]): ValidationError[] {
  if (!isRecord(selector)) return [];
  const errors = validateLabels(selector.matchLabels, [...path, "matchLabels"]);
  asArray(selector.matchExpressions).forEach((e, i) => {
    if (!isRecord(e)) return;
    asArray(e.values).forEach((v, j) => {
      if (typeof v !== "string") errors.push({ path: [...path, "matchExpressions", i, "values", j], message: `matchExpressions value ${String(v)} must be a string: quote it` });
    });
  });
  return errors;
}

// IANA_SVC_NAME, as the API server checks a named port.
function isIanaServiceName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes("--");
}
