import deepDiff from "deep-diff";
import type { FieldChange } from "../model/types.js";
import { alignLive } from "./align.js";

/** Field-level changes between two comparable objects (desired → live), with readable paths. */
export function fieldChanges(desired: Record<string, unknown>, live: Record<string, unknown>): FieldChange[] {
  const aligned = alignLive(desired, live) as Record<string, unknown>;
  const diffs = deepDiff.diff(desired, aligned) ?? [];
  const found: { rank: number[]; change: FieldChange }[] = [];
  for (const d of diffs) {
    const path = [...(d.path ?? [])] as (string | number)[];
    const item = d.kind === "A" ? d.item : d;
    if (d.kind === "A") path.push(d.index);
    const change: FieldChange = { path: formatPath(path) };
    if (item.kind === "E" || item.kind === "D") change.desired = item.lhs;
    if (item.kind === "E" || item.kind === "N") change.live = item.rhs;
    if (change.live === undefined) delete change.live; // a hole left by alignment: the element is gone live
    found.push({ rank: documentPosition(path, desired, aligned), change });
  }
  // deep-diff walks arrays from the last index down; a report reads top to bottom.
  return found.sort((a, b) => compareRanks(a.rank, b.rank)).map((f) => f.change);
}

/** Where a path sits in the manifest: array indices, and for keys their position (desired's keys first). */
function documentPosition(path: (string | number)[], desired: unknown, live: unknown): number[] {
  const rank: number[] = [];
  let d = desired;
  let l = live;
  for (const seg of path) {
    if (typeof seg === "number") rank.push(seg);
    else rank.push([...new Set([...keysOf(d), ...keysOf(l)])].indexOf(seg));
    d = childOf(d, seg);
    l = childOf(l, seg);
  }
  return rank;
}

function keysOf(v: unknown): string[] {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [];
}

function childOf(v: unknown, seg: string | number): unknown {
  return v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[seg] : undefined;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
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
