import type { NormalizeOptions } from "../model/types.js";
import { labelValue } from "./canonical.js";
import { isRecord } from "../util/values.js";
import { globMatch } from "../util/glob.js";

// Written by kubectl on every client-side apply; it is a copy of the manifest, never part of the policy.
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export function normalizeLabels(raw: unknown, opts: NormalizeOptions): Record<string, string> {
  if (!isRecord(raw)) return NONE;
  const ignored = decisions(opts.ignoreLabels);
  return pickStrings(raw, (key) => !matchesAny(ignored, opts.ignoreLabels, key));
}

export function normalizeAnnotations(raw: unknown, opts: NormalizeOptions): Record<string, string> {
  if (!isRecord(raw)) return NONE;
  const compared = decisions(opts.compareAnnotations);
  return pickStrings(raw, (key) => key !== LAST_APPLIED && matchesAny(compared, opts.compareAnnotations, key));
}

// Every policy repeats the same few label keys: each is matched against the patterns once per pattern list.
const DECIDED = new Map<string, Map<string, boolean>>();

function decisions(patterns: readonly string[]): Map<string, boolean> {
  // The same options object comes with every policy of a run: its lists are compared, not serialised.
  const seen = byList.get(patterns);
  if (seen && sameList(seen.copy, patterns)) return seen.known;
  const id = JSON.stringify(patterns);
  let known = DECIDED.get(id);
  if (!known) {
    if (DECIDED.size >= 16) DECIDED.clear();
    known = new Map();
    DECIDED.set(id, known);
  }
  byList.set(patterns, { copy: [...patterns], known });
  return known;
}

const byList = new WeakMap<readonly string[], { copy: string[]; known: Map<string, boolean> }>();

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function matchesAny(known: Map<string, boolean>, patterns: readonly string[], key: string): boolean {
  let hit = known.get(key);
  if (hit === undefined) {
    hit = patterns.some((p) => globMatch(p, key));
    if (known.size >= 10_000) known.clear();
    known.set(key.length < 13 ? key : ` ${key}`.slice(1), hit); // flat: a slice keeps its source text alive
  }
  return hit;
}

function pickStrings(raw: unknown, keep: (key: string) => boolean): Record<string, string> {
  if (!isRecord(raw)) return NONE;
  let out: Record<string, string> | undefined;
  for (const key of Object.keys(raw).sort()) {
    if (!keep(key)) continue;
    out ??= {};
    out[key] = labelValue(raw[key]);
  }
  return out ?? NONE;
}

// Most policies keep no annotation, many no label: one (frozen) empty map for all of them, not 100,000.
const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;
