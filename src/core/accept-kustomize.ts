import { isMap, isScalar, isSeq, parseDocument, type YAMLSeq } from "yaml";
import { carryLineChanges, styleOf } from "./accept-text.js";

// A desired folder built with kustomize (Argo CD, Flux) applies only what a kustomization lists in
// `resources`. So an accepted new file must be listed by the kustomization nearest to it, or merging the PR
// would add a file nothing applies; and a deleted file must leave the list, or `kustomize build` stops with
// "file not found" and the sync breaks. A folder without any kustomization needs nothing. Pure.

const NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export interface KustomizeEdit {
  /** The kustomization file, under the desired root. */
  path: string;
  text: string;
}

/** A kustomization the edit could not keep in step (not YAML, `resources` not a list): named, never guessed. */
export interface KustomizeRefusal {
  path: string;
  /** The accepted file it should have listed or unlisted. */
  file: string;
}

/**
 * The kustomization edits that go with accepted file writes: `added` (new files) and `deleted` (files removed),
 * both under the desired root; `kustomizations` holds the text of every kustomization under it by path.
 */
export function kustomizeEdits(
  added: readonly string[],
  deleted: readonly string[],
  kustomizations: ReadonlyMap<string, string>,
): { edits: KustomizeEdit[]; refused: KustomizeRefusal[] } {
  type Work = { list: Map<string, "add" | "remove">; files: string[] };
  const work = new Map<string, Work>();
  for (const [file, op] of [...added.map((f) => [f, "add"] as const), ...deleted.map((f) => [f, "remove"] as const)]) {
    const k = nearest(file, kustomizations);
    if (!k) continue;
    const entry: Work = work.get(k) ?? { list: new Map(), files: [] };
    work.set(k, entry);
    entry.list.set(relativeTo(dirOf(k), file), op);
    entry.files.push(file);
  }
  const edits: KustomizeEdit[] = [];
  const refused: KustomizeRefusal[] = [];
  for (const [path, { list, files }] of [...work].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = kustomizations.get(path) as string;
    const next = editResources(text, list);
    if (next === undefined) refused.push(...files.map((file) => ({ path, file })));
    else if (next !== text) edits.push({ path, text: next });
  }
  return { edits, refused };
}

/** Whether a path under the desired root is a kustomization file. */
export function isKustomization(file: string): boolean {
  return NAMES.includes(file.slice(file.lastIndexOf("/") + 1));
}

/** The kustomization in the file's folder or the closest folder above it, if any. */
function nearest(file: string, kustomizations: ReadonlyMap<string, string>): string | undefined {
  for (let dir = dirOf(file); ; dir = dirOf(dir)) {
    for (const name of NAMES) {
      const candidate = dir ? `${dir}/${name}` : name;
      if (kustomizations.has(candidate)) return candidate;
    }
    if (dir === "") return undefined;
  }
}

function dirOf(file: string): string {
  const i = file.lastIndexOf("/");
  return i < 0 ? "" : file.slice(0, i);
}

function relativeTo(dir: string, file: string): string {
  return dir ? file.slice(dir.length + 1) : file;
}

/** `./a/b.yaml` and `a/b.yaml` name the same resource; `a/` and `a` the same folder. */
function clean(entry: string): string {
  return entry.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

/** The kustomization with `ops` applied to its `resources`; undefined when it cannot be edited safely. */
function editResources(text: string, ops: ReadonlyMap<string, "add" | "remove">): string | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const style = { lineWidth: 0, flowCollectionPadding: false, ...styleOf(text) };
  const before = doc.toString(style);
  let seq = doc.get("resources", true) as YAMLSeq | undefined;
  if (seq !== undefined && !isSeq(seq)) return undefined;
  // A non-string entry (a number, a map) names no file: it never matches.
  const entries = () =>
    (seq?.items ?? []).map((n) => (isScalar(n) && typeof n.value === "string" ? clean(n.value) : ""));
  for (const [file, op] of ops) {
    const at = entries().indexOf(file);
    if (op === "remove") {
      if (at >= 0) seq?.delete(at);
      continue;
    }
    // Listed already, or inside a listed folder (which has a kustomization of its own): nothing to add.
    if (at >= 0 || entries().some((e) => file.startsWith(`${e}/`))) continue;
    if (!seq) {
      doc.set("resources", doc.createNode([]));
      seq = doc.get("resources", true) as YAMLSeq;
    }
    seq.add(doc.createNode(file));
  }
  const after = doc.toString(style);
  if (after === before) return text;
  const merged = carryLineChanges(text, before, after);
  return sameResources(merged, after) ? merged : after;
}

/** The two texts list the same resources (the line merge placed every change). */
function sameResources(a: string, b: string): boolean {
  const read = (t: string) => JSON.stringify(parseDocument(t).toJS()?.resources ?? null);
  return read(a) === read(b);
}
