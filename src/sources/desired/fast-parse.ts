import jsyaml from "js-yaml";
import { isRecord } from "../../normalize/canonical.js";
import { tooDeep } from "../live/text-checks.js";
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

const GO_YAML_V2 = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [scalar("null", "null"), scalar("bool", "bool"), scalar("int", "int"), scalar("float", "float")] });

// Anchors, aliases, tags, directives, merge keys and tabs: rare in policy files, and where the two parsers
// could part ways (alias limits, tag handling). Such files take the position-keeping parse.
const UNUSUAL = /[&*!%\t]|<</;

export interface FastDocument {
  value: Record<string, unknown>;
  /** The line its content starts on, as the position-keeping parse gives it. */
  line: number;
}

/**
 * The documents of a file when each is a v1 NetworkPolicy (`accept` says whether it is one without
 * problems); undefined sends the file to the position-keeping parse.
 */
export function fastParse(text: string, accept: (value: Record<string, unknown>) => boolean): FastDocument[] | undefined {
  if (UNUSUAL.test(text)) return undefined;
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, { schema: GO_YAML_V2, json: false });
  } catch {
    return undefined;
  }
  const lines = contentLines(text);
  if (!lines || lines.length !== values.length || values.length === 0) return undefined;
  const out: FastDocument[] = [];
  for (const [i, value] of values.entries()) {
    if (!isRecord(value) || tooDeep(value) || !accept(value)) return undefined;
    out.push({ value, line: lines[i] as number });
  }
  return out;
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
