import { type Document, isMap, isScalar, isSeq, type Node, Scalar, type YAMLMap } from "yaml";
import type { NormalizeOptions } from "../model/types.js";
import { plainIsString, quoteWherePlainIsNotString } from "./accept-text.js";

// Writing into a policy's YAML tree for accept-edit: new nodes quoted where YAML 1.1 would misread them,
// replaced collections keeping their style and comment, changed scalars keeping their quoting and comment.

export type Path = (string | number)[];

export interface EditContext {
  doc: Document;
  normalize: NormalizeOptions;
}

/** A new node for `value`, every string quoted where YAML 1.1 would read it as something else. */
export function node(ctx: EditContext, value: unknown): Node {
  const n = ctx.doc.createNode(value) as Node;
  quoteWherePlainIsNotString(n);
  return n;
}

export function key(k: string): Scalar {
  const s = new Scalar(k);
  if (!plainIsString(k)) s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

export function set(ctx: EditContext, path: Path, value: unknown): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] as string | number;
  const parent = parentPath.length === 0 ? ctx.doc.contents : ctx.doc.getIn(parentPath, true);
  if (isMap(parent) && typeof last === "string" && !parent.has(last)) {
    blockIfEmpty(parent);
    parent.items.push(ctx.doc.createPair(key(last), node(ctx, value)) as never);
    return;
  }
  const old = ctx.doc.getIn(path, true);
  const fresh = node(ctx, value);
  // A collection replaced by one of its kind keeps its flow or block style (an empty `{}` or `[]` says nothing
  // of the style: block) and its comment.
  if ((isMap(old) && isMap(fresh)) || (isSeq(old) && isSeq(fresh))) {
    (fresh as YAMLMap).flow = old.flow && old.items.length > 0;
    fresh.comment = old.comment;
  }
  ctx.doc.setIn(path, fresh);
}

/** An empty flow map (`podSelector: {}`) that is given content is written as a block, as people write it. */
export function blockIfEmpty(map: YAMLMap): void {
  if (map.flow && map.items.length === 0) map.flow = false;
}

/** A scalar's value changed in place, so its comment and its quoting stay. */
export function setScalar(ctx: EditContext, path: Path, value: string | number): void {
  const old = ctx.doc.getIn(path, true);
  if (!isScalar(old)) {
    set(ctx, path, value);
    return;
  }
  old.value = value;
  if (typeof value === "number" && old.type !== Scalar.PLAIN) old.type = Scalar.PLAIN;
  else if (typeof value === "string" && old.type === Scalar.PLAIN && !plainIsString(value))
    old.type = Scalar.QUOTE_DOUBLE;
  else if (old.type === Scalar.BLOCK_FOLDED || old.type === Scalar.BLOCK_LITERAL) old.type = Scalar.QUOTE_DOUBLE;
  delete (old as { format?: string }).format; // a hex or octal spelling was the old value's
}
