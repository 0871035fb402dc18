import { type Document, parseAllDocuments } from "yaml";
import type { DriftItem, NormalizedPolicy, NormalizeOptions } from "../model/types.js";
import { sameComparable } from "../compare/same.js";
import { normalizePolicy } from "../normalize/policy.js";
import { isRecord } from "../util/values.js";
import { editPolicy } from "./accept-edit.js";
import { kustomizeEdits } from "./accept-kustomize.js";
import { locate, readValues, usesReferences, type YamlReadOptions } from "./accept-find.js";
import { humanPolicy, isDns1123Label, isDns1123Subdomain, newFileText } from "./accept-manifest.js";
import { carryLineChanges, styleOf } from "./accept-text.js";

// Accept = merge: the drift branch's commit writes the live state into the desired folder, so merging the PR
// makes git say what the cluster says. Per file, one edit: a modified policy is edited in place (only what
// differs), a missing one's document (or List item) is removed, an unmanaged one is a new file
// `<namespace>/<name>.yaml`. Every edit is read back the way the loader reads it and must come out equal to the
// live policy (or, for a missing one, gone); one that does not is refused with a reason, never written wrong.
// A reviewer who drops one file from the PR leaves exactly the policies of that file drifting.

export type AcceptItem =
  | { state: "modified"; desired: NormalizedPolicy; live: NormalizedPolicy }
  | { state: "missing"; desired: NormalizedPolicy }
  | { state: "unmanaged"; live: NormalizedPolicy };

export type { YamlReadOptions } from "./accept-find.js";

export interface AcceptInput {
  /** The text of each desired file that holds a modified or missing policy, by its path under the desired root. */
  files: ReadonlyMap<string, string>;
  /** Every file path under the desired root: a new file never replaces one (compared without case). */
  paths: Iterable<string>;
  /** Folders under the desired root nothing is written into (the records folder, when it sits there). */
  reserved?: string[];
  /**
   * Files the loader reached through a symbolic link (a default-deny shared by several namespace folders):
   * never edited, since writing one would change the policy of every folder that links it.
   */
  linked?: Iterable<string>;
  items: AcceptItem[];
  /** The text of every kustomization file under the desired root, by path: kept in step with new and deleted files. */
  kustomizations?: ReadonlyMap<string, string>;
}

export interface AcceptOptions {
  normalize: NormalizeOptions;
  yaml: YamlReadOptions;
}

/** A file to write (`text`) or delete (`text: null`), by its path under the desired root. */
export interface FileEdit {
  path: string;
  text: string | null;
}

export type RefusalReason =
  | "not-found"
  | "unparsable"
  | "yaml-references"
  | "bad-name"
  | "folder-is-a-file"
  | "reserved-folder"
  | "no-equivalent-edit"
  | "linked-file"
  | "kustomization";

export interface AcceptRefusal {
  state: AcceptItem["state"];
  namespace: string;
  name: string;
  file?: string;
  reason: RefusalReason;
}

export interface AcceptResult {
  edits: FileEdit[];
  refused: AcceptRefusal[];
}

/** The accept items of a report's drift, from the normalised policies of both sides (by namespace/name). */
export function acceptItemsOf(
  drift: readonly DriftItem[],
  desired: readonly NormalizedPolicy[],
  live: readonly NormalizedPolicy[],
): AcceptItem[] {
  const d = new Map(desired.map((p) => [`${p.namespace}/${p.name}`, p]));
  const l = new Map(live.map((p) => [`${p.namespace}/${p.name}`, p]));
  const out: AcceptItem[] = [];
  for (const item of drift) {
    const key = `${item.namespace}/${item.name}`;
    const [dp, lp] = [d.get(key), l.get(key)];
    if (item.state === "modified" && dp && lp) out.push({ state: "modified", desired: dp, live: lp });
    else if (item.state === "missing" && dp) out.push({ state: "missing", desired: dp });
    else if (item.state === "unmanaged" && lp) out.push({ state: "unmanaged", live: lp });
  }
  return out;
}

export function acceptDrift(input: AcceptInput, opts: AcceptOptions): AcceptResult {
  const result: AcceptResult = { edits: [], refused: [] };
  const byFile = new Map<string, (AcceptItem & { state: "modified" | "missing" })[]>();
  const linked = new Set(input.linked ?? []);
  for (const item of input.items) {
    if (item.state === "unmanaged") continue;
    const file = item.desired.origin.file;
    if (!file || linked.has(file)) {
      result.refused.push(refusal(item, file ? "linked-file" : "not-found"));
      continue;
    }
    const list = byFile.get(file) ?? [];
    if (list.length === 0) byFile.set(file, list);
    list.push(item);
  }
  for (const [file, items] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = input.files.get(file);
    if (text === undefined) {
      result.refused.push(...items.map((i) => refusal(i, "not-found", file)));
      continue;
    }
    const edited = editFile(file, text, items, opts);
    result.refused.push(...edited.refused);
    if (edited.text !== text) result.edits.push({ path: file, text: edited.text });
  }
  const taken = new Set([...input.paths].map((p) => p.toLowerCase()));
  const added = new Map<string, AcceptItem>();
  for (const item of input.items) {
    if (item.state !== "unmanaged") continue;
    const file = newFile(item.live, taken, input.reserved ?? [], opts);
    if ("reason" in file) result.refused.push(refusal(item, file.reason));
    else {
      taken.add(file.path.toLowerCase());
      result.edits.push(file);
      added.set(file.path, item);
    }
  }
  return input.kustomizations ? withKustomizations(result, added, byFile, input.kustomizations) : result;
}

/** The kustomization edits that list the new files and unlist the deleted ones; the items of a file whose
 *  kustomization cannot be edited are refused, their file left as it was. */
function withKustomizations(
  result: AcceptResult,
  added: ReadonlyMap<string, AcceptItem>,
  byFile: ReadonlyMap<string, FileItem[]>,
  kustomizations: ReadonlyMap<string, string>,
): AcceptResult {
  const deleted = result.edits.filter((e) => e.text === null).map((e) => e.path);
  const k = kustomizeEdits([...added.keys()], deleted, kustomizations);
  if (k.refused.length === 0) return { ...result, edits: [...result.edits, ...k.edits] };
  const drop = new Set(k.refused.map((r) => r.file));
  const refused = [...result.refused];
  for (const file of drop) {
    const items = added.has(file) ? [added.get(file) as AcceptItem] : (byFile.get(file) ?? []);
    refused.push(...items.map((i) => refusal(i, "kustomization", k.refused.find((r) => r.file === file)?.path)));
  }
  const kept = result.edits.filter((e) => !drop.has(e.path));
  const again = kustomizeEdits(
    [...added.keys()].filter((f) => !drop.has(f)),
    deleted.filter((f) => !drop.has(f)),
    kustomizations,
  );
  return { edits: [...kept, ...again.edits], refused };
}

type FileItem = AcceptItem & { state: "modified" | "missing" };

/** Edit one file for its items; an item whose edit does not read back right is dropped and the file redone. */
function editFile(
  file: string,
  text: string,
  items: FileItem[],
  opts: AcceptOptions,
): { text: string | null; refused: AcceptRefusal[] } {
  const refused: AcceptRefusal[] = [];
  let todo = items;
  for (;;) {
    const attempt = tryEdit(file, text, todo, opts);
    if (attempt.refused.length === 0) return { text: attempt.text === undefined ? text : attempt.text, refused };
    // The refused are left as they are; the file is edited again for the others.
    refused.push(...attempt.refused);
    const failed = new Set(attempt.refused.map((r) => `${r.namespace}/${r.name}`));
    todo = todo.filter((i) => !failed.has(keyOf(i)));
    if (todo.length === 0) return { text, refused };
  }
}

function tryEdit(
  file: string,
  text: string,
  items: FileItem[],
  opts: AcceptOptions,
): { text?: string | null; refused: AcceptRefusal[] } {
  const read = parseAllDocuments(text, opts.yaml);
  const edit = parseAllDocuments(text, { version: "1.1", uniqueKeys: false });
  if (!Array.isArray(read) || !Array.isArray(edit) || read.length !== edit.length || read.some((d) => d.errors[0]))
    return { refused: items.map((i) => refusal(i, "unparsable", file)) };
  const values = read.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  const style = { lineWidth: 0, flowCollectionPadding: false, ...styleOf(text) };
  const before = edit.map((d) => d.toString(style)).join("");

  const refused: AcceptRefusal[] = [];
  const removals: { doc: number; path: (string | number)[] }[] = [];
  for (const item of items) {
    const found = locate(values, item.desired);
    if (!found) {
      refused.push(refusal(item, "not-found", file));
      continue;
    }
    const doc = edit[found.doc] as Document;
    if (usesReferences(doc, found.path)) {
      refused.push(refusal(item, "yaml-references", file));
      continue;
    }
    if (item.state === "missing") removals.push(found);
    else editPolicy({ doc, normalize: opts.normalize }, found.path, found.value, item.live);
  }
  if (refused.length > 0) return { text: undefined, refused };
  const dropDoc = new Set<number>();
  // List items from the last one up, so the earlier indices still point at their items.
  for (const r of removals.sort((a, b) => b.doc - a.doc || Number(b.path[1] ?? 0) - Number(a.path[1] ?? 0))) {
    const doc = edit[r.doc] as Document;
    if (r.path.length === 0) dropDoc.add(r.doc);
    else {
      doc.deleteIn(r.path);
      const items = doc.getIn(["items"]) as { items?: unknown[] } | undefined;
      if (!items?.items?.length) dropDoc.add(r.doc);
    }
  }
  const kept = edit.filter((_, i) => !dropDoc.has(i));
  if (kept.every((d) => d.contents === null || d.contents === undefined)) return { text: null, refused: [] };
  const after = kept.map((d) => d.toString(style)).join("");
  // A file already spelt as the tree writes it takes the tree's text; another gets the changed lines only,
  // unless the line merge could not place them (then the tree's text, which is right if less like the file).
  let out = after;
  let reread = readValues(after, opts.yaml);
  if (before !== text) {
    const merged = carryLineChanges(text, before, after);
    const values = readValues(merged, opts.yaml);
    if (values && JSON.stringify(values) === JSON.stringify(reread)) [out, reread] = [merged, values];
  }
  for (const item of items)
    if (!reread || !readsBack(reread, item, opts)) refused.push(refusal(item, "no-equivalent-edit", file));
  return { text: out, refused };
}

/** The edited file read back: the modified policy equals the live one, a missing one is gone. */
function readsBack(values: unknown[], item: FileItem, opts: AcceptOptions): boolean {
  const found = locate(values, item.desired);
  if (item.state === "missing") return found === undefined;
  if (!found) return false;
  const reread = normalizePolicy(found.value, item.live.namespace, {}, opts.normalize);
  return sameComparable(reread, item.live);
}

function newFile(
  live: NormalizedPolicy,
  taken: Set<string>,
  reserved: string[],
  opts: AcceptOptions,
): FileEdit | { reason: RefusalReason } {
  if (!isDns1123Label(live.namespace) || !isDns1123Subdomain(live.name)) return { reason: "bad-name" };
  if (taken.has(live.namespace)) return { reason: "folder-is-a-file" };
  const inReserved = (p: string) => reserved.some((r) => `${p}/`.startsWith(`${r.replace(/\/+$/, "")}/`));
  let path = `${live.namespace}/${live.name}.yaml`;
  if (inReserved(path)) return { reason: "reserved-folder" };
  for (let n = 2; taken.has(path.toLowerCase()); n++) path = `${live.namespace}/${live.name}-${n}.yaml`;
  const text = newFileText(humanPolicy(live));
  const docs = parseAllDocuments(text, opts.yaml);
  const value = Array.isArray(docs) && docs.length === 1 ? (docs[0] as Document).toJS() : undefined;
  if (!isRecord(value) || !sameComparable(normalizePolicy(value, live.namespace, {}, opts.normalize), live))
    return { reason: "no-equivalent-edit" };
  return { path, text };
}

function refusal(item: AcceptItem, reason: RefusalReason, file?: string): AcceptRefusal {
  const p = item.state === "unmanaged" ? item.live : item.desired;
  const out: AcceptRefusal = { state: item.state, namespace: p.namespace, name: p.name, reason };
  const where = file ?? (item.state === "unmanaged" ? undefined : item.desired.origin.file);
  if (where) out.file = where;
  return out;
}

function keyOf(i: AcceptItem): string {
  const p = i.state === "unmanaged" ? i.live : i.desired;
  return `${p.namespace}/${p.name}`;
}
