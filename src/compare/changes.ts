import deepDiff from "deep-diff";
import type { FieldChange } from "../model/types.js";
import { alignLive } from "./align.js";

/** Field-level changes between two comparable objects (desired → live), with readable paths. */
export function fieldChanges(desired: Record<string, unknown>, live: Record<string, unknown>): FieldChange[] {
  const aligned = alignLive(desired, live) as Record<string, unknown>;
  const diffs = deepDiff.diff(desired, aligned) ?? [];
  const changes: FieldChange[] = [];
  for (const d of diffs) {
    const path = [...(d.path ?? [])] as (string | number)[];
    const item = d.kind === "A" ? d.item : d;
    if (d.kind === "A") path.push(d.index);
    const change: FieldChange = { path: formatPath(path) };
    if (item.kind === "E" || item.kind === "D") change.desired = item.lhs;
    if (item.kind === "E" || item.kind === "N") change.live = item.rhs;
    if (change.live === undefined) delete change.live; // a hole left by alignment: the element is gone live
    changes.push(change);
  }
  return changes;
}

/** `spec.ingress[0].ports[1].port`, and `metadata.labels["app.kubernetes.io/name"]` for keys with dots. */
export function formatPath(path: (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
