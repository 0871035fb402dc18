import { CST, type Document, isNode, Parser, visit } from "yaml";
import { isRecord } from "../../util/values.js";

// Where things are in a parsed YAML file, for the position-keeping parse: the line of a node or of each rule,
// the first alias, an opener never closed, and the namespace a broken document may be about.

/**
 * The namespace a document that failed to parse may declare policies in. Its text still says
 * `namespace: x` where it does: one namespace (the folder's, if any) narrows the doubt to it; anything
 * else leaves every namespace in doubt ("*").
 */
export function namespaceOfBroken(docText: string, folderNamespace: string): string {
  // Block or flow style (`{name: web, namespace: b`); `namespaceSelector:` is not a match.
  const named = new Set(
    [...docText.matchAll(/\bnamespace\s*:\s*["']?([a-z0-9][-a-z0-9]*)/g)].map((m) => m[1] as string),
  );
  if (named.size === 0) return folderNamespace;
  const [only] = named;
  return named.size === 1 && (folderNamespace === "*" || folderNamespace === only) ? (only as string) : "*";
}

/** Offset of the first quote or bracket opened in [from, to) and never closed, from yaml's CST. */
export function unclosedOpener(text: string, from: number, to: number): number | undefined {
  let found: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== "document" || token.offset > to) continue;
    CST.visit(token, (item) => {
      for (const node of [item.key, item.value]) {
        if (!node || node.offset < from || node.offset >= to || (found !== undefined && found <= node.offset)) continue;
        const unclosed =
          node.type === "flow-collection"
            ? node.end.length === 0
            : (node.type === "double-quoted-scalar" || node.type === "single-quoted-scalar") &&
              (node.source.length < 2 || node.source[node.source.length - 1] !== node.source[0]);
        if (unclosed) found = node.offset;
      }
    });
  }
  return found;
}

/** The line of each ingress and egress rule as written, so a finding can point at the rule, not the document. */
export function ruleLines(
  doc: Document.Parsed,
  value: Record<string, unknown>,
  path: (string | number)[],
  lineAt: (o: number | undefined) => number,
): { ingress: number[]; egress: number[] } {
  const spec = isRecord(value.spec) ? value.spec : {};
  const lines = (dir: "ingress" | "egress") =>
    Array.isArray(spec[dir]) ? spec[dir].map((_, i) => lineOf(doc, [...path, "spec", dir, i], lineAt)) : [];
  return { ingress: lines("ingress"), egress: lines("egress") };
}

/** Where the first alias of a document is: the place to look when converting its aliases fails. */
export function firstAliasOffset(doc: Document.Parsed): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** The line of the deepest node on `path` that exists (a missing field points at its parent). */
export function lineOf(
  doc: Document.Parsed,
  path: (string | number)[],
  lineAt: (o: number | undefined) => number,
): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lineAt(node.range[0]);
  }
  return 1;
}
