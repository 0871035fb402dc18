import jsyaml from "js-yaml";
import { isRecord } from "../../util/values.js";
import { tooDeep } from "../live/text-checks.js";
import { type BlockDocument, parseBlockYaml } from "./block-yaml.js";
import { resolvePlain, type Resolved } from "./yaml11.js";

// The common path of the desired load (issue 10): a policy file that is plain YAML and a valid v1
// NetworkPolicy is read with js-yaml, many times faster than the position-keeping `yaml` parse. Anything
// else — a problem, a List, a skipped kind, anchors, tags, merges, tabs — returns undefined and the caller
// takes the position-keeping parse, which alone reports problems (with their lines). Both paths resolve
// scalars with the same go-yaml v2 rules (yaml11.ts), so a file reads to identical values either way.

const scalar = (kind: Resolved["kind"], name: string) =>
  new jsyaml.Type(`tag:yaml.org,2002:${name}`, {
    kind: "scalar",
    resolve: (s: string) => resolvePlain(s)?.kind === kind,
    construct: (s: string) => resolvePlain(s)?.value,
  });

const GO_YAML_V2 = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [scalar("null", "null"), scalar("bool", "bool"), scalar("int", "int"), scalar("float", "float")],
});

// Anchors, aliases, tags, directives, merge keys and tabs: rare in policy files, and where the two parsers
// could part ways (alias limits, tag handling). Such files take the position-keeping parse.
const UNUSUAL = /[&*!%\t]|<</;

export interface FastDocument {
  value: Record<string, unknown>;
  /** The line its content starts on, as the position-keeping parse gives it. */
  line: number;
  /** The line of each ingress and egress rule, in the order written. */
  rules: { ingress: number[]; egress: number[] };
}

/**
 * The documents of a file when each is a v1 NetworkPolicy (`accept` says whether it is one without
 * problems); undefined sends the file to the position-keeping parse.
 */
export function fastParse(
  text: string,
  accept: (value: Record<string, unknown>) => boolean,
): FastDocument[] | undefined {
  if (UNUSUAL.test(text)) return undefined;
  const block = parseBlockYaml(text);
  if (block) {
    const out: FastDocument[] = [];
    for (const d of block) {
      if (tooDeep(d.value) || !accept(d.value)) return undefined;
      out.push({ value: d.value, line: d.line, rules: blockRuleLines(d) });
    }
    return out;
  }
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, { schema: GO_YAML_V2, json: false });
  } catch {
    return undefined;
  }
  const lines = contentLines(text);
  if (!lines || lines.length !== values.length || values.length === 0) return undefined;
  const rows = text.split("\n").map((r) => r.replace(/\r$/, ""));
  const out: FastDocument[] = [];
  for (const [i, value] of values.entries()) {
    if (!isRecord(value) || tooDeep(value) || !accept(value)) return undefined;
    const rules = ruleLines(rows, (lines[i] as number) - 1, value);
    if (!rules) return undefined;
    out.push({ value, line: lines[i] as number, rules });
  }
  return out;
}

function blockRuleLines(d: BlockDocument): { ingress: number[]; egress: number[] } {
  const spec = isRecord(d.value.spec) ? d.value.spec : {};
  const lines = (dir: "ingress" | "egress") =>
    Array.isArray(spec[dir]) ? [...(d.itemLines.get(spec[dir]) ?? [])] : [];
  return { ingress: lines("ingress"), egress: lines("egress") };
}

/**
 * The first content line of each document: not blank, not a comment, not a `---` marker. undefined when
 * the layout is one this scan does not read the way yaml does (content after `---`, a `...` end marker,
 * a document of comments only).
 */
function contentLines(text: string): number[] | undefined {
  const out: number[] = [];
  let open = false;
  let pending = true;
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, "");
    if (row.startsWith("---")) {
      if (row.length > 3 && !/^---\s*(#.*)?$/.test(row)) return undefined;
      if (open && pending) return undefined; // an empty document
      open = true;
      pending = true;
      continue;
    }
    if (row.startsWith("...")) return undefined;
    if (!pending || /^\s*(#.*)?$/.test(row)) continue;
    out.push(i + 1);
    open = true;
    pending = false;
  }
  return out;
}

/**
 * The line of each rule of `spec.ingress` / `spec.egress` in block style, read from the text: the `-` rows at
 * the sequence's indentation under the top-level `spec:` key. Checked against the parsed value (as many rows as
 * rules); any other layout (flow style, a rule starting on the line after its `-`) returns undefined, and the file
 * takes the position-keeping parse.
 */
function ruleLines(
  rows: string[],
  start: number,
  value: Record<string, unknown>,
): { ingress: number[]; egress: number[] } | undefined {
  const spec = isRecord(value.spec) ? value.spec : {};
  const want = (dir: "ingress" | "egress") => (Array.isArray(spec[dir]) ? spec[dir].length : 0);
  if (want("ingress") === 0 && want("egress") === 0) return { ingress: [], egress: [] };
  const content = (r: string) => !/^\s*(#.*)?$/.test(r);
  const indent = (r: string) => r.length - r.trimStart().length;
  let i = start;
  while (i < rows.length && !/^spec:\s*(#.*)?$/.test(rows[i] as string)) {
    if (i > start && (rows[i] as string).startsWith("---")) return undefined;
    i++;
  }
  if (i >= rows.length) return undefined;
  const block: number[] = [];
  for (let j = i + 1; j < rows.length; j++) {
    const r = rows[j] as string;
    if (r.startsWith("---") || (content(r) && indent(r) === 0)) break;
    if (content(r)) block.push(j);
  }
  const ci = block.length > 0 ? indent(rows[block[0] as number] as string) : 0;
  const find = (dir: "ingress" | "egress"): number[] | undefined => {
    if (want(dir) === 0) return [];
    const key = new RegExp(`^ {${ci}}${dir}:\\s*(#.*)?$`);
    const at = block.findIndex((j) => key.test(rows[j] as string));
    if (at < 0) return undefined;
    const items: number[] = [];
    const first = rows[block[at + 1] ?? -1];
    if (first === undefined || !/^\s*- \S/.test(first)) return undefined;
    const ii = indent(first);
    for (const j of block.slice(at + 1)) {
      const r = rows[j] as string;
      if (indent(r) < ii || (indent(r) === ii && !r.trimStart().startsWith("-"))) break;
      if (indent(r) === ii) items.push(j + 1);
    }
    return items.length === want(dir) ? items : undefined;
  };
  const ingress = find("ingress");
  const egress = find("egress");
  return ingress && egress ? { ingress, egress } : undefined;
}
