import { resolvePlain } from "./yaml11.js";

// The plainest YAML there is — block mappings and sequences, one-line scalars, `{}` and `[]` — is what almost
// every policy file is, and reading it line by line is several times faster than any general parser: at
// 50,000 files that is most of the desired load. Lines come for free (each node starts on a known row).
// Anything outside that subset (flow collections with content, multi-line or block scalars, quoted keys with
// escapes, keys that resolve to non-strings, duplicate keys, odd indentation) returns undefined and the file
// takes the general parsers, which also report every problem. Scalars resolve by the same go-yaml v2 rules
// (yaml11.ts) as both of those.

export interface BlockDocument {
  value: Record<string, unknown>;
  /** The row its content starts on (1-based). */
  line: number;
  /** The row of each item of each block sequence, by the array it became. */
  itemLines: Map<unknown[], number[]>;
}

const BAIL = new Error("not the block subset");

interface Row {
  indent: number;
  text: string;
  /** 1-based line number. */
  line: number;
}

export function parseBlockYaml(text: string): BlockDocument[] | undefined {
  try {
    return documents(text);
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

function documents(text: string): BlockDocument[] {
  // YAML separates with spaces and tabs only, and a tab is never indentation: tabs are the general parsers'.
  // (trimStart and \s would also take NBSP, U+3000 and other Unicode spaces, which YAML reads as content.)
  if (text.includes("\t")) throw BAIL;
  const split: Split = { docs: [], current: undefined };
  if (text.includes("\r")) {
    const raw = text.split("\n");
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i] as string;
      addLine(split, r.endsWith("\r") ? r.slice(0, -1) : r, i + 1);
    }
  } else rowsOf(text, split);
  const docs = split.docs;
  if (docs.length === 0 || docs.some((d) => d.length === 0)) throw BAIL;
  return docs.map((rows) => {
    const p = new BlockParser(rows);
    const first = rows[0] as Row;
    if (first.indent !== 0) throw BAIL;
    const value = p.mapping(0);
    if (p.at < rows.length) throw BAIL;
    return { value, line: first.line, itemLines: p.itemLines };
  });
}

interface Split {
  docs: Row[][];
  current: Row[] | undefined;
}

/** One line (without its line break) into the documents' rows: markers start documents, blanks and comments go. */
function addLine(split: Split, r: string, line: number): void {
  if (r.includes("\r")) throw BAIL;
  if (r.startsWith("---")) {
    if (!/^--- *(#.*)?$/.test(r)) throw BAIL; // content on the marker line
    if (split.current && split.current.length === 0) throw BAIL; // an empty document
    split.current = [];
    split.docs.push(split.current);
    return;
  }
  if (r.startsWith("...")) throw BAIL;
  let k = 0;
  while (r.charCodeAt(k) === 32) k++;
  if (k === r.length || r.charCodeAt(k) === 35) return; // blank, or a comment
  pushRow(split, { indent: k, text: r.slice(k, endOfContent(r)), line });
}

/** Where the text ends without its trailing spaces. */
function endOfContent(text: string, end = text.length): number {
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end;
}

function pushRow(split: Split, row: Row): void {
  if (!split.current) {
    split.current = [];
    split.docs.push(split.current);
  }
  split.current.push(row);
}

/**
 * addLine for every line of a text without CR or tab, without a string per line: the common line is measured
 * in place and sliced once; a line that may be a marker (`-` or `.` in column 0) takes addLine.
 */
function rowsOf(text: string, split: Split): void {
  const n = text.length;
  let start = 0;
  for (let line = 1; ; line++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const c = i < end ? text.charCodeAt(i) : -1;
    if (c !== -1 && c !== 35) {
      if (i === start && (c === 45 || c === 46)) addLine(split, text.slice(start, end), line);
      else pushRow(split, { indent: i - start, text: text.slice(i, endOfContent(text, end)), line });
    }
    if (end === n) return;
    start = end + 1;
  }
}

class BlockParser {
  at = 0;
  readonly itemLines = new Map<unknown[], number[]>();

  constructor(private readonly rows: Row[]) {}

  mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.at < this.rows.length) {
      const row = this.rows[this.at] as Row;
      if (row.indent < indent) break;
      if (row.indent > indent || row.text.startsWith("-")) {
        if (row.indent === indent && /^-( |$)/.test(row.text)) break; // a sequence ends the mapping's value
        throw BAIL;
      }
      const { key, rest } = splitKey(row.text);
      if (Object.hasOwn(out, key)) throw BAIL; // a duplicate: the general parser names it
      this.at++;
      out[key] = this.value(rest, indent);
    }
    return out;
  }

  /** The value after `key:` on a row of a mapping at `indent`. */
  private value(rest: string, indent: number): unknown {
    const next = this.rows[this.at];
    if (rest === "" || rest.startsWith("#")) {
      if (next && next.indent > indent)
        return next.text.startsWith("-") ? this.sequence(next.indent) : this.mapping(next.indent);
      if (next && next.indent === indent && /^-( |$)/.test(next.text)) return this.sequence(indent);
      return null;
    }
    if (next && next.indent > indent) throw BAIL; // a scalar continued on the next line
    return scalar(rest);
  }

  sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    const lines: number[] = [];
    while (this.at < this.rows.length) {
      const row = this.rows[this.at] as Row;
      if (row.indent !== indent || !row.text.startsWith("-")) {
        if (row.indent > indent) throw BAIL;
        break;
      }
      if (!row.text.startsWith("- ")) throw BAIL; // `-` alone, or `-x`
      let b = 2;
      while (row.text.charCodeAt(b) === 32) b++;
      const body = row.text.slice(b);
      const col = indent + (row.text.length - body.length);
      lines.push(row.line);
      if (body.startsWith("-") || body.startsWith("#")) throw BAIL;
      if (isMappingRow(body)) {
        // `- key: value`: the item is a mapping whose keys line up under the first one
        this.rows[this.at] = { indent: col, text: body, line: row.line };
        out.push(this.mapping(col));
      } else {
        this.at++;
        const next = this.rows[this.at];
        if (next && next.indent > indent) throw BAIL;
        out.push(scalar(body));
      }
    }
    this.itemLines.set(out, lines);
    return out;
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_./-][^:#'"]*$/;

function isMappingRow(text: string): boolean {
  const c = text.indexOf(":");
  return c > 0 && (c === text.length - 1 || text[c + 1] === " ");
}

function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  const q = text[0];
  if (q === '"' || q === "'") {
    const end = text.indexOf(q, 1);
    if (end < 0) throw BAIL;
    key = text.slice(1, end);
    if (q === '"' ? key.includes("\\") : text[end + 1] === "'") throw BAIL;
    after = end + 1;
    if (text[after] !== ":") throw BAIL;
  } else {
    const c = text.indexOf(":");
    if (c <= 0) throw BAIL;
    key = text.slice(0, c);
    let plain = plainKeys.get(key);
    if (plain === undefined) {
      plain = PLAIN_KEY.test(key) && !key.endsWith(" ") && resolvePlain(key) === undefined;
      remember(plainKeys, key, plain);
    }
    if (!plain) throw BAIL;
    after = c;
  }
  if (key === "__proto__") throw BAIL;
  // The rest after `: ` without its leading spaces, cut once.
  let i = after + 1;
  if (i < text.length && text.charCodeAt(i) !== 32) throw BAIL;
  while (text.charCodeAt(i) === 32) i++;
  return { key, rest: i >= text.length ? "" : text.slice(i) };
}

function scalar(text: string): unknown {
  const c = text[0] as string;
  if (c === '"' || c === "'") return quoted(text);
  if (c === "{" || c === "[") {
    const m = /^(\{\}|\[\])( +#.*)?$/.exec(text);
    if (!m) throw BAIL; // flow collections with content: the general parsers
    return m[1] === "{}" ? {} : [];
  }
  const known = plainValues.get(text);
  if (known !== undefined) return known.value;
  if ("|>!&*%@`?:,]}#".includes(c) || (c === "-" && (text.length === 1 || text[1] === " "))) throw BAIL;
  const hash = text.indexOf(" #");
  const plain = hash >= 0 ? text.slice(0, endOfContent(text, hash)) : text;
  if (/: |:$|[[\]{},]/.test(plain)) throw BAIL;
  const r = resolvePlain(plain);
  const value = r ? r.value : flat(plain);
  remember(plainValues, text, { value });
  return value;
}

// Tens of thousands of files repeat the same keys and values (TCP, Ingress, app names): each is resolved once.
const plainKeys = new Map<string, boolean>();
const plainValues = new Map<string, { value: unknown }>();
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= 20_000) cache.clear();
  cache.set(flat(key), value);
}
// A slice of a file's text keeps the whole text alive; a cached one must not (see normalize/strings.ts).
const flat = (s: string) => (s.length < 13 ? s : ` ${s}`.slice(1));

function quoted(text: string): string {
  const q = text[0] as string;
  let end: number;
  let value: string;
  if (q === "'") {
    end = text.indexOf("'", 1);
    if (end < 0 || text[end + 1] === "'") throw BAIL; // '' escapes: the general parsers
    value = text.slice(1, end);
  } else {
    end = text.indexOf('"', 1);
    if (end < 0) throw BAIL;
    value = text.slice(1, end);
    if (value.includes("\\")) throw BAIL;
  }
  const tail = text.slice(end + 1);
  if (tail !== "" && !/^ +#/.test(tail)) throw BAIL;
  return value;
}
