import { LineCounter, parseAllDocuments, type Document } from "yaml";
import type { Problem, Skipped } from "../../model/types.js";
import { isRecord } from "../../util/values.js";
import { flowTooDeep, MAX_DEPTH, tooDeep } from "../live/text-checks.js";
import { fastParse } from "./fast-parse.js";
import { asDecoded } from "./schema.js";
import { validatePolicy } from "./validate.js";
import { goYamlTags } from "./yaml11.js";
import { firstAliasOffset, lineOf, namespaceOfBroken, ruleLines, unclosedOpener } from "./yaml-positions.js";
import { errorMessage } from "../../util/errors.js";

/** A NetworkPolicy found in a file, still raw, with the line its object starts on. */
export interface FoundPolicy {
  raw: Record<string, unknown>;
  file: string;
  line: number;
  /** The line of each ingress and egress rule, in the order written. */
  rules: { ingress: number[]; egress: number[] };
}

export interface ParsedFile {
  policies: FoundPolicy[];
  skipped: Skipped[];
  problems: Problem[];
}

const V1 = "networking.k8s.io/v1";

/** The yaml options both parse paths share: go-yaml v2 scalars, `<<` merges (go-yaml honours them), unique keys. */
export const YAML_OPTIONS = (lineCounter?: LineCounter) =>
  ({ lineCounter, prettyErrors: false, uniqueKeys: true, merge: true, customTags: goYamlTags as never }) as const;

const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;
// Kustomize fields that change the name, namespace, labels or content of the policies it lists.
const TRANSFORMERS = [
  "namePrefix",
  "nameSuffix",
  "namespace",
  "commonLabels",
  "labels",
  "commonAnnotations",
  "patches",
  "patchesStrategicMerge",
  "patchesJson6902",
  "replacements",
  "components",
];

/**
 * Every document of one YAML file, classified: v1 NetworkPolicies are kept, other Kubernetes objects and
 * YAML that is no Kubernetes object at all (Helm values) are skipped and listed, broken input is a problem
 * with file and line. `namespace` is the namespace the file's documents would default to ("*" if unknown):
 * a problem makes it uncertain.
 */
export function parseManifestText(
  text: string,
  file: string,
  namespace: string,
  opts: { positions?: boolean } = {},
): ParsedFile {
  const out: ParsedFile = { policies: [], skipped: [], problems: [] };
  const fast = opts.positions || KUSTOMIZATION.test(file) ? undefined : fastParse(text, isValidV1Policy);
  if (fast) {
    for (const d of fast)
      out.policies.push({ raw: asDecoded(dropNullLabels(d.value)), file, line: d.line, rules: d.rules });
    return out;
  }
  if (flowTooDeep(text)) {
    out.problems.push({
      file,
      line: 1,
      namespace,
      message: `nested more than ${MAX_DEPTH} levels deep: not a NetworkPolicy manifest`,
    });
    return out;
  }
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, YAML_OPTIONS(counter));
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);

  if (!Array.isArray(docs)) return out; // defensive: yaml returns an (empty) array for an empty stream
  let declared = 0;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      // Only the first error: the rest of a broken document are echoes of it. An unclosed quote or bracket
      // is noticed where the file or block ends; the line it was opened on is the one to fix.
      const noticed = lineAt(err.pos[0]);
      const opened = unclosedOpener(text, doc.range[0], err.pos[0]);
      const line = opened === undefined ? noticed : lineAt(opened);
      out.problems.push({
        file,
        line,
        namespace: namespaceOfBroken(text.slice(doc.range[0], doc.range[2]), namespace),
        message:
          err.code === "DUPLICATE_KEY"
            ? `duplicate key ${JSON.stringify(/^[^:\n]*/.exec(text.slice(err.pos[0]))?.[0].trim())}: refused on purpose, though kubectl would silently keep one of the two values; remove one`
            : `invalid YAML: ${firstLine(err.message)}${line !== noticed ? ` (noticed at line ${noticed})` : ""}`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (e) {
      // An alias bomb or an alias to a missing anchor throws on conversion, not while parsing.
      out.problems.push({
        file,
        line: lineAt(firstAliasOffset(doc) ?? doc.contents?.range?.[0]),
        namespace: namespaceOfBroken(text.slice(doc.range[0], doc.range[2]), namespace),
        message: `invalid YAML: ${firstLine(errorMessage(e))}`,
      });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document (`---` alone, only comments)
    declared++;
    if (tooDeep(value)) {
      out.problems.push({
        file,
        line: lineAt(doc.range[0]),
        namespace,
        message: `nested more than ${MAX_DEPTH} levels deep: not a NetworkPolicy manifest`,
      });
      continue;
    }
    if (KUSTOMIZATION.test(file) && isRecord(value)) {
      const used = TRANSFORMERS.filter((k) => value[k] !== undefined && value[k] !== null);
      if (used.length > 0) {
        out.problems.push({
          file,
          line: lineOf(doc, [used[0] as string], lineAt),
          namespace,
          message: `kustomization transforms what is applied (${used.join(", ")}): this folder is not what the cluster holds; point --desired at the rendered output (kustomize build DIR)`,
        });
        continue;
      }
    }
    classify(doc, value, [], out, file, namespace, lineAt);
  }
  if (declared === 0 && out.problems.length === 0) out.skipped.push({ file, reason: "empty file" });
  return out;
}

function classify(
  doc: Document.Parsed,
  value: unknown,
  path: (string | number)[],
  out: ParsedFile,
  file: string,
  namespace: string,
  lineAt: (offset: number | undefined) => number,
): void {
  const line = lineOf(doc, path, lineAt);
  // A problem with a document that names its own namespace makes that namespace uncertain, not the folder's.
  const declared = declaredNamespace(value, namespace);
  if (isRecord(value) && isBrokenPolicyHeader(value)) {
    out.problems.push({
      file,
      line,
      namespace: declared,
      message: `a NetworkPolicy needs apiVersion: ${V1} and kind: NetworkPolicy, found apiVersion ${show(value.apiVersion)} and kind ${show(value.kind)}`,
    });
    return;
  }
  if (!isRecord(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
    out.skipped.push({ file, line, reason: "not a Kubernetes object (no apiVersion/kind)" });
    return;
  }
  const { apiVersion, kind } = value;
  if (kind.endsWith("List") && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      // A typed NetworkPolicyList (the raw API response) leaves apiVersion and kind off its items.
      // Any version: a v1beta1 NetworkPolicyList's items are then refused as v1beta1, not skipped.
      const typed =
        kind === "NetworkPolicyList" &&
        isKubernetesGroup(apiVersion) &&
        isRecord(item) &&
        item.kind === undefined &&
        item.apiVersion === undefined;
      classify(
        doc,
        typed ? { apiVersion, kind: "NetworkPolicy", ...item } : item,
        [...path, "items", i],
        out,
        file,
        namespace,
        lineAt,
      );
    });
    return;
  }
  if (kind === "NetworkPolicy" && apiVersion !== V1 && isKubernetesGroup(apiVersion)) {
    out.problems.push({
      file,
      line: lineOf(doc, [...path, "apiVersion"], lineAt),
      namespace: declared,
      message: `${apiVersion} NetworkPolicy is not served by the API server: move it to apiVersion ${V1}`,
    });
    return;
  }
  if (kind !== "NetworkPolicy" || apiVersion !== V1) {
    out.skipped.push({ file, line, kind, apiVersion, reason: `not a ${V1} NetworkPolicy` });
    return;
  }
  const errors = validatePolicy(value);
  for (const e of errors) {
    out.problems.push({
      file,
      line: lineOf(doc, [...path, ...e.path], lineAt),
      message: e.message,
      namespace: declared,
    });
  }
  if (errors.length === 0)
    out.policies.push({
      raw: asDecoded(dropNullLabels(value)),
      file,
      line,
      rules: ruleLines(doc, value, path, lineAt),
    });
}

/** What the fast path may take: a v1 NetworkPolicy (no List) the API server would accept. */
function isValidV1Policy(v: Record<string, unknown>): boolean {
  return v.apiVersion === V1 && v.kind === "NetworkPolicy" && validatePolicy(v).length === 0;
}

/** The Kubernetes NetworkPolicy's own groups (any version), as opposed to Calico's or Cilium's kinds of that name. */
function isKubernetesGroup(apiVersion: string): boolean {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return group === "" || group === "networking.k8s.io" || group === "extensions";
}

// `app:` with nothing after it: kubectl apply sends null, which the API server takes as "no such label".
function dropNullLabels(value: Record<string, unknown>): Record<string, unknown> {
  const meta = value.metadata;
  if (!isRecord(meta)) return value;
  for (const key of ["labels", "annotations"] as const) {
    const map = meta[key];
    if (isRecord(map)) for (const [k, v] of Object.entries(map)) if (v === null) delete map[k];
  }
  return value;
}

function declaredNamespace(value: unknown, fallback: string): string {
  const meta = isRecord(value) && isRecord(value.metadata) ? value.metadata : {};
  return typeof meta.namespace === "string" && meta.namespace ? meta.namespace : fallback;
}

/**
 * Meant as a v1 NetworkPolicy but not one the API server would take: kind NetworkPolicy without an
 * apiVersion, a networking.k8s.io object without a kind, or the kind misspelt in case. Skipping these
 * would call their live counterparts "unmanaged".
 */
function isBrokenPolicyHeader(v: Record<string, unknown>): boolean {
  const { apiVersion, kind } = v;
  if (kind === "NetworkPolicy") return typeof apiVersion !== "string";
  if (typeof apiVersion === "string" && apiVersion.startsWith("networking.k8s.io/") && typeof kind !== "string")
    return true;
  return typeof kind === "string" && kind !== "NetworkPolicy" && kind.toLowerCase() === "networkpolicy";
}

function show(v: unknown): string {
  return v === undefined ? "(none)" : JSON.stringify(v);
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
