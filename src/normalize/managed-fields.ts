import type { ChangedBy, FieldManager } from "../model/types.js";
import { asArray, isRecord } from "../util/values.js";

// Who changed a field is in managedFields: each entry (manager, operation, time) owns a set of fields
// (fieldsV1). Times have one-second resolution, so "the newest entry" is ambiguous when an apply and a
// patch land in the same second; the owner of the drifted field is not.

/** The managers of an object with the fields each owns, as paths of plain field names. */
export function fieldManagers(managedFields: unknown): FieldManager[] {
  const out: FieldManager[] = [];
  for (const entry of asArray(managedFields)) {
    if (!isRecord(entry) || typeof entry.manager !== "string") continue;
    const manager: FieldManager = { manager: entry.manager, operation: String(entry.operation ?? ""), fields: [] };
    const time = timeString(entry.time);
    if (time) manager.time = time;
    if (typeof entry.subresource === "string" && entry.subresource) continue; // status writers change no spec
    collectFields(entry.fieldsV1, "", 0, manager.fields);
    out.push(manager);
  }
  return out;
}

/**
 * fieldsV1 `{"f:spec":{"f:ingress":{}}}` → ["spec.ingress"]; list keys (k:, v:, i:) end a path. `prefix`: the
 * path so far, `depth` segments joined by NUL (the form the paths are kept in).
 */
function collectFields(node: unknown, prefix: string, depth: number, out: string[]): void {
  if (!isRecord(node)) return;
  let leaf = true;
  for (const key of Object.keys(node)) {
    if (!key.startsWith("f:")) continue;
    leaf = false;
    collectFields(node[key], depth === 0 ? key.slice(2) : `${prefix}\u0000${key.slice(2)}`, depth + 1, out);
  }
  if (leaf && depth > 0) out.push(prefix);
}

/** The newest entry, later entries winning ties: the answer when no field owner can be found. */
export function newest(managers: FieldManager[]): FieldManager | undefined {
  let best: FieldManager | undefined;
  for (const m of managers) if (!best || (m.time ?? "") >= (best.time ?? "")) best = m;
  return best;
}

/**
 * The manager that last wrote any of `paths` (field-name segments; list indexes dropped): among the owners
 * of those fields or of their parents/children, the newest. Undefined when nobody owns them (a removed field).
 */
export function ownerOf(managers: FieldManager[], paths: string[][]): FieldManager | undefined {
  const owners = managers.filter((m) =>
    m.fields.some((f) => {
      const owned = f.split("\u0000");
      return paths.some((p) => isPrefix(owned, p) || isPrefix(p, owned));
    }),
  );
  return newest(owners);
}

function isPrefix(a: string[], b: string[]): boolean {
  return a.length <= b.length && a.every((seg, i) => seg === b[i]);
}

// client-node may hand us Date objects (typed client) or RFC 3339 strings (raw JSON); keep the string form.
function timeString(value: unknown): string | undefined {
  const text = value instanceof Date ? value.toISOString() : typeof value === "string" ? value : "";
  return text ? text.replace(/\.000Z$/, "Z") : undefined;
}

export function asChangedBy(m: ChangedBy): ChangedBy {
  return m.time
    ? { manager: m.manager, operation: m.operation, time: m.time }
    : { manager: m.manager, operation: m.operation };
}
