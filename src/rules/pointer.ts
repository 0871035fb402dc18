// Pure: JSON-pointer field paths over a policy's comparable parts, where every segment is a glob (`*` = each
// element of a list, each key of a mapping). Lists in the model are sets in canonical order, so an index means
// nothing to a reader and is refused when the file is read; a list is walked element by element.
import { asSortedSet, canonicalJson } from "../normalize/canonical.js";
import { globMatch } from "../util/glob.js";

const GONE = Symbol("gone");

function segmentMatches(seg: string, key: string): boolean {
  return seg === key || globMatch(seg, key);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// A rule carries the index it had as written under a symbol key (normalize/spec.ts): copies keep it.
function copyWithSymbols<T extends object>(from: object, to: T): T {
  for (const s of Object.getOwnPropertySymbols(from)) {
    Object.defineProperty(to, s, { value: (from as Record<symbol, unknown>)[s], enumerable: false });
  }
  return to;
}

/** `value` without what `segs` points at; lists that lose every element are gone, as an empty list is absent. */
export function stripPath(value: unknown, segs: readonly string[]): unknown {
  const out = strip(value, segs, 0);
  return out === GONE ? undefined : out;
}

function strip(node: unknown, segs: readonly string[], i: number): unknown {
  if (i === segs.length) return GONE;
  if (Array.isArray(node)) {
    const kept = node.map((el) => strip(el, segs, i + 1)).filter((el) => el !== GONE);
    return kept.length > 0 ? asSortedSet(kept) : GONE;
  }
  if (!isMap(node)) return node;
  const seg = segs[i] as string;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(node)) {
    if (!segmentMatches(seg, key)) continue;
    out ??= copyWithSymbols(node, { ...node });
    const child = strip(node[key], segs, i + 1);
    if (child === GONE) delete out[key];
    else out[key] = child;
  }
  return out ?? node;
}

/**
 * The live value with what `segs` points at taken from the desired value: what the analysis sees for an
 * ignored field. List elements are paired with a desired element that is equal but for the ignored part, the
 * rest in order; a live element with no partner at all is kept as it is (its difference is real drift).
 */
export function fillPath(desired: unknown, live: unknown, segs: readonly string[]): unknown {
  return fill(desired, live, segs, 0);
}

function fill(d: unknown, l: unknown, segs: readonly string[], i: number): unknown {
  if (i === segs.length) return d;
  if (Array.isArray(d) && Array.isArray(l)) {
    if (i + 1 === segs.length) return d; // every element ignored: the desired list
    const rest = (el: unknown) => canonicalJson(strip(el, segs, i + 1));
    const pool = d.map((el) => ({ el, key: rest(el), used: false }));
    const partners = l.map((el) => {
      const k = rest(el);
      const partner = pool.find((p) => !p.used && p.key === k);
      if (partner) partner.used = true;
      return partner;
    });
    // Elements left over on both sides pair up in order, as the diff aligns them (compare/align.ts): a rule
    // whose port changed is still the rule whose ignored `except` the analysis takes from the desired side.
    const left = pool.filter((p) => !p.used);
    return l.map((el, j) => {
      const partner = partners[j] ?? left.shift();
      return partner ? fill(partner.el, el, segs, i + 1) : el;
    });
  }
  if (!isMap(d) || !isMap(l)) return l;
  const seg = segs[i] as string;
  const out = copyWithSymbols(l, { ...l });
  for (const k of new Set([...Object.keys(d), ...Object.keys(l)])) {
    if (!segmentMatches(seg, k)) continue;
    const v = fill(d[k], l[k], segs, i + 1);
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}
