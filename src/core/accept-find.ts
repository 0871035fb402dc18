import {
  type Document,
  type DocumentOptions,
  isNode,
  type ParseOptions,
  parseAllDocuments,
  type SchemaOptions,
  visit,
} from "yaml";
import type { NormalizedPolicy } from "../model/types.js";
import { isRecord } from "../util/values.js";

// Finding a policy in a file's documents the way the loader found it: by kind, name and namespace, as a
// document of its own or an item of a `kind: List`.

/** How the loader reads YAML (sources/desired's YAML_OPTIONS: go-yaml v2 scalars, unique keys, merges). */
export type YamlReadOptions = ParseOptions & DocumentOptions & SchemaOptions;

export interface Found {
  doc: number;
  /** Inside the document: [] for the document itself, ["items", i] for a List item. */
  path: (string | number)[];
  value: Record<string, unknown>;
}

/** The document (and List item) of a policy, by its name and namespace as the loader read them. */
export function locate(values: unknown[], p: NormalizedPolicy): Found | undefined {
  const found: Found[] = [];
  values.forEach((v, doc) => {
    if (!isRecord(v)) return;
    if (isPolicy(v, p)) found.push({ doc, path: [], value: v });
    else if (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items))
      v.items.forEach((item, i) => {
        // A typed NetworkPolicyList (a raw API response) leaves apiVersion and kind off its items.
        const typed = v.kind === "NetworkPolicyList" && isRecord(item) && item.kind === undefined;
        const asPolicy = typed ? { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", ...item } : item;
        if (isRecord(item) && isPolicy(asPolicy, p)) found.push({ doc, path: ["items", i], value: item });
      });
  });
  return found.length === 1 ? found[0] : undefined;
}

function isPolicy(v: unknown, p: { namespace: string; name: string }): boolean {
  if (!isRecord(v) || v.apiVersion !== "networking.k8s.io/v1" || v.kind !== "NetworkPolicy") return false;
  const meta = isRecord(v.metadata) ? v.metadata : {};
  const ns = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : undefined;
  return meta.name === p.name && (ns === undefined || ns === p.namespace);
}

/** An anchor, alias or merge key in the policy: editing one use would edit the others, or none. */
export function usesReferences(doc: Document, path: (string | number)[]): boolean {
  const root = path.length === 0 ? doc.contents : doc.getIn(path, true);
  let found = false;
  visit(isNode(root) ? root : (doc.contents as never), {
    Node(_, n) {
      if ((n as { anchor?: string }).anchor) found = true;
    },
    Alias() {
      found = true;
      return visit.BREAK;
    },
    Pair(_, pair) {
      if ((pair.key as { value?: unknown } | null)?.value === "<<") found = true;
    },
  });
  return found;
}

/** Each document's value as the loader reads it; undefined when the text does not parse. */
export function readValues(text: string, yaml: YamlReadOptions): unknown[] | undefined {
  const docs = parseAllDocuments(text, yaml);
  if (!Array.isArray(docs) || docs.some((d) => d.errors[0])) return undefined;
  return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
}
