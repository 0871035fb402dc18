import { isMap, isSeq } from "yaml";
import type { NormalizedPolicy, PolicyType } from "../model/types.js";
import { canonicalJson, labelValue } from "../normalize/canonical.js";
import { normalizeAnnotations, normalizeLabels } from "../normalize/metadata.js";
import { normalizeSelector } from "../normalize/selector.js";
import { normalizeSpec } from "../normalize/spec.js";
import { isRecord } from "../util/values.js";
import {
  humanEgress,
  humanIngress,
  humanPeer,
  humanPolicyTypes,
  humanPort,
  humanRequirement,
  humanSelector,
} from "./accept-manifest.js";
import { blockIfEmpty, type EditContext, key, node, type Path, set, setScalar } from "./accept-nodes.js";

// One modified policy, edited in its document to read as the live one: only what differs is touched. Each
// part is compared after normalisation (a set is a set, `protocol: TCP` is the default), so an equivalent
// part stays as written; a part that differs is edited inside where that keeps more of the file (a label, a
// port number), else replaced. Lists that are sets keep their equal items where they are, edit the most
// alike leftover item into a wanted one, drop the rest and append what is still wanted.

export type { EditContext } from "./accept-nodes.js";

/** Edit the policy at `base` (its raw value as the loader reads it: `raw`) into `live`. */
export function editPolicy(ctx: EditContext, base: Path, raw: Record<string, unknown>, live: NormalizedPolicy): void {
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const labelsCounted = (k: string) => Object.hasOwn(normalizeLabels({ [k]: "" }, ctx.normalize), k);
  const annotationCounted = (k: string) => Object.hasOwn(normalizeAnnotations({ [k]: "" }, ctx.normalize), k);
  editStringMap(ctx, [...base, "metadata", "labels"], withoutNulls(meta.labels), live.labels, labelsCounted);
  editStringMap(ctx, [...base, "metadata", "annotations"], meta.annotations, live.annotations, annotationCounted);

  const spec = isRecord(raw.spec) ? raw.spec : {};
  const at = [...base, "spec"];
  if (!isRecord(raw.spec)) set(ctx, at, {});
  editSelector(ctx, [...at, "podSelector"], spec.podSelector, live.spec.podSelector, true);
  editSet(ctx, [...at, "ingress"], spec.ingress, live.spec.ingress, ruleKind("ingress"));
  editSet(ctx, [...at, "egress"], spec.egress, live.spec.egress, ruleKind("egress"));
  editPolicyTypes(ctx, [...at, "policyTypes"], spec.policyTypes, live);
}

function editPolicyTypes(ctx: EditContext, path: Path, raw: unknown, live: NormalizedPolicy): void {
  const want = live.spec.policyTypes;
  if (Array.isArray(raw) && raw.length > 0) {
    editSet(ctx, path, raw, humanPolicyTypes(want), stringKind);
    return;
  }
  // Unwritten, the API server defaults it from the egress rules, which are now the live ones.
  const defaulted: PolicyType[] = live.spec.egress ? ["Egress", "Ingress"] : ["Ingress"];
  if (canonicalJson(defaulted) !== canonicalJson(want)) set(ctx, path, humanPolicyTypes(want));
}

// ---- sets ----

interface SetKind<T> {
  norm(raw: unknown): T;
  human(item: T): unknown;
  /** How alike a written item and a wanted one are (0: not at all); with `edit`, pairs them. */
  score?(have: T, want: T): number;
  edit?(ctx: EditContext, path: Path, raw: unknown, want: T): void;
}

function editSet<T>(
  ctx: EditContext,
  path: Path,
  raw: unknown,
  live: readonly T[] | undefined,
  kind: SetKind<T>,
): void {
  const want = live ?? [];
  if (!Array.isArray(raw) || raw.length === 0) {
    if (want.length > 0)
      set(
        ctx,
        path,
        want.map((w) => kind.human(w)),
      );
    return;
  }
  const wantKeys = want.map((w) => canonicalJson(w));
  const have = raw.map((r) => kind.norm(r));
  const haveKeys = have.map((h) => canonicalJson(h));
  const covered = new Set(haveKeys.filter((k) => wantKeys.includes(k)));
  const needed = want.filter((_, i) => !covered.has(wantKeys[i] as string));
  const drop: number[] = [];
  raw.forEach((item, i) => {
    if (wantKeys.includes(haveKeys[i] as string)) return;
    let best = -1;
    let bestScore = 0;
    if (kind.edit && kind.score)
      for (const [j, n] of needed.entries()) {
        const s = kind.score(have[i] as T, n);
        if (s > bestScore) [best, bestScore] = [j, s];
      }
    if (best < 0 || !kind.edit) drop.push(i);
    else kind.edit(ctx, [...path, i], item, needed.splice(best, 1)[0] as T);
  });
  if (drop.length === raw.length && needed.length === 0) {
    ctx.doc.deleteIn(path); // nothing left: the key goes (an empty list means the same)
    return;
  }
  for (const i of drop.reverse()) ctx.doc.deleteIn([...path, i]);
  const seq = ctx.doc.getIn(path, true);
  if (!isSeq(seq)) {
    set(
      ctx,
      path,
      want.map((w) => kind.human(w)),
    );
    return;
  }
  for (const n of needed) seq.items.push(node(ctx, kind.human(n)));
}

const stringKind: SetKind<string> = { norm: (r) => String(r), human: (s) => s };

function ruleKind(dir: "ingress" | "egress"): SetKind<object> {
  const peers = dir === "ingress" ? "from" : "to";
  return {
    norm: (r) => normalizeSpec({ [dir]: [r ?? {}] })[dir]?.[0] ?? {},
    human: (r) => (dir === "ingress" ? humanIngress(r) : humanEgress(r)),
    score: (have, want) => overlap(have, want, peers) + overlap(have, want, "ports"),
    edit: (c, path, raw, want) => {
      const r = isRecord(raw) ? raw : {};
      const w = want as Record<string, unknown[] | undefined>;
      if (!isRecord(raw)) set(c, path, {});
      editSet(c, [...path, peers], r[peers], w[peers] as object[] | undefined, peerKind);
      editSet(c, [...path, "ports"], r.ports, w.ports as object[] | undefined, portKind);
    },
  };
}

/** Equal items of one list field of two normalised objects, plus one when the whole field is equal. */
function overlap(a: object, b: object, field: string): number {
  const x = ((a as Record<string, unknown>)[field] as unknown[] | undefined) ?? [];
  const y = new Set((((b as Record<string, unknown>)[field] as unknown[] | undefined) ?? []).map(canonicalJson));
  const same = x.filter((v) => y.has(canonicalJson(v))).length;
  return same + (same === x.length && same === y.size ? 1 : 0);
}

const peerKind: SetKind<object> = {
  norm: (r) => normalizeSpec({ ingress: [{ from: [r ?? {}] }] }).ingress?.[0]?.from?.[0] ?? {},
  human: (p) => humanPeer(p),
  score: (have, want) =>
    ["namespaceSelector", "podSelector", "ipBlock"].filter(
      (k) => k in have && k in want && canonicalJson((have as never)[k]) === canonicalJson((want as never)[k]),
    ).length + 0.5,
  edit: (c, path, raw, want) => {
    const r = isRecord(raw) ? raw : {};
    const w = want as Record<string, unknown>;
    if (!isRecord(raw)) set(c, path, {});
    for (const k of ["namespaceSelector", "podSelector"] as const) {
      const written = r[k] !== undefined && r[k] !== null;
      if (w[k] === undefined) {
        if (k in r) c.doc.deleteIn([...path, k]);
      } else if (!written) set(c, [...path, k], humanSelector(w[k] as never));
      else editSelector(c, [...path, k], r[k], w[k] as never, false);
    }
    const block = w.ipBlock as { cidr: string; except?: string[] } | undefined;
    if (!block) {
      if ("ipBlock" in r) c.doc.deleteIn([...path, "ipBlock"]);
    } else if (!isRecord(r.ipBlock)) set(c, [...path, "ipBlock"], humanPeer({ ipBlock: block }).ipBlock);
    else {
      if (String(r.ipBlock.cidr) !== block.cidr) setScalar(c, [...path, "ipBlock", "cidr"], block.cidr);
      editSet(c, [...path, "ipBlock", "except"], r.ipBlock.except, block.except, stringKind);
    }
  },
};

const portKind: SetKind<object> = {
  norm: (r) => normalizeSpec({ ingress: [{ ports: [r ?? {}] }] }).ingress?.[0]?.ports?.[0] ?? {},
  human: (p) => humanPort(p as never),
  score: (have, want) =>
    ["protocol", "port", "endPort"].filter((k) => (have as never)[k] === (want as never)[k]).length + 0.5,
  edit: (c, path, raw, want) => {
    const r = isRecord(raw) ? raw : {};
    const w = want as { protocol: string; port?: number | string; endPort?: number };
    if (!isRecord(raw)) set(c, path, {});
    const protocol = typeof r.protocol === "string" && r.protocol ? r.protocol : "TCP";
    if (protocol !== w.protocol) setScalar(c, [...path, "protocol"], w.protocol);
    for (const k of ["port", "endPort"] as const) {
      if (w[k] === undefined) {
        if (k in r) c.doc.deleteIn([...path, k]);
      } else if (r[k] !== w[k]) setScalar(c, [...path, k], w[k]);
    }
  },
};

// ---- selectors and string maps ----

function editSelector(
  ctx: EditContext,
  path: Path,
  raw: unknown,
  want: ReturnType<typeof normalizeSelector>,
  required: boolean,
): void {
  if (canonicalJson(normalizeSelector(raw)) === canonicalJson(want)) {
    if (required && raw === undefined) set(ctx, path, {});
    return;
  }
  if (!isRecord(raw)) {
    set(ctx, path, humanSelector(want));
    return;
  }
  const labels = isRecord(raw.matchLabels) ? raw.matchLabels : undefined;
  editStringMap(ctx, [...path, "matchLabels"], labels, want.matchLabels ?? {}, () => true);
  editSet(ctx, [...path, "matchExpressions"], raw.matchExpressions, want.matchExpressions, {
    norm: (r) => normalizeSelector({ matchExpressions: [r ?? {}] }).matchExpressions?.[0] ?? {},
    human: (r) => humanRequirement(r as never),
  });
}

/** Set the keys whose value differs, delete the counted keys that are gone; the key itself when nothing is left. */
function editStringMap(
  ctx: EditContext,
  path: Path,
  raw: unknown,
  want: Record<string, string>,
  counted: (key: string) => boolean,
): void {
  const have = isRecord(raw) ? raw : undefined;
  if (!have) {
    if (Object.keys(want).length > 0) set(ctx, path, want);
    return;
  }
  const gone = Object.keys(have).filter((k) => counted(k) && !Object.hasOwn(want, k));
  if (gone.length > 0 && gone.length === Object.keys(have).length && Object.keys(want).length === 0) {
    ctx.doc.deleteIn(path);
    return;
  }
  for (const k of gone) ctx.doc.deleteIn([...path, k]);
  const map = ctx.doc.getIn(path, true);
  if (isMap(map)) blockIfEmpty(map);
  for (const [k, v] of Object.entries(want)) {
    if (have[k] !== undefined && have[k] !== null && labelValue(have[k]) === v) continue;
    if (isMap(map) && !map.has(k)) map.items.push(ctx.doc.createPair(key(k), node(ctx, v)) as never);
    else setScalar(ctx, [...path, k], v);
  }
}

function withoutNulls(raw: unknown): unknown {
  // `app:` with nothing after it: the loader drops the label (kubectl sends null, which removes it).
  return isRecord(raw) ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null)) : raw;
}
