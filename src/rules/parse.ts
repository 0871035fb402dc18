// Pure: the text of `.netpol-drift.yaml` → rules, or problems each at its file:line. A rule that cannot be read
// exactly is a problem, never a rule that quietly matches nothing (or everything).
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import type { IgnoreRule, PolicyMatch, Rules, UnmanagedRule, Waiver } from "../model/rules.js";
import { noRules } from "../model/rules.js";
import type { Problem, Selector } from "../model/types.js";
import { normalizeSelector } from "../normalize/selector.js";
import { editDistanceAtMostOne } from "../sources/desired/schema.js";
import { globProblem } from "../util/glob.js";
import { parsePointer } from "./fields.js";

const TOP = ["ignore", "unmanaged", "unmanagedIn", "waivers"];
const MATCH = ["namespace", "name", "selector", "manager"];
const IGNORE = ["match", "paths", "fieldsOwnedBy", "whole", "reason"];
const UNMANAGED = ["match", "reason"];
const WAIVER = ["match", "reason", "owner", "expires"];
const SELECTOR = ["matchLabels", "matchExpressions"];
const EXPRESSION = ["key", "operator", "values"];
const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];

export interface ParsedRules {
  rules: Rules;
  problems: Problem[];
}

export function parseRules(text: string, file: string): ParsedRules {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const problems: Problem[] = [];
  const rules: Rules = { ...noRules(), file };
  const lineOf = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    return range ? counter.linePos(range[0]).line : 1;
  };
  const problem = (node: unknown, message: string) => problems.push({ file, line: lineOf(node), message });
  for (const err of doc.errors) {
    // `name: *` is a YAML alias, not a glob: say so rather than leave the reader with "Alias …".
    const hint = /alias/i.test(err.message) ? ' (a glob that starts with "*" needs quotes: name: "*")' : "";
    const message = `not valid YAML: ${err.message.split("\n")[0]}${hint}`;
    problems.push({ file, line: counter.linePos(err.pos[0]).line, message });
  }
  if (problems.length > 0) return { rules, problems };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === undefined)))
    return { rules, problems };
  if (!isMap(root)) {
    problem(root, "the rules file is a mapping (ignore, unmanaged, unmanagedIn, waivers)");
    return { rules, problems };
  }

  const read = new Reader(problem, lineOf, file);
  for (const [key, value, keyNode] of read.entries(root, TOP, "")) {
    if (key === "unmanagedIn") {
      const v = isScalar(value) ? value.value : undefined;
      if (v === "all" || v === "desired-namespaces") rules.unmanagedIn = v;
      else problem(value ?? keyNode, `unmanagedIn is "all" or "desired-namespaces", got ${JSON.stringify(v)}`);
      continue;
    }
    for (const item of read.list(value ?? keyNode, key)) {
      if (key === "ignore") {
        const rule = read.ignore(item);
        if (rule) rules.ignore.push(rule);
      } else if (key === "unmanaged") {
        const rule = read.unmanaged(item);
        if (rule) rules.unmanaged.push(rule);
      } else {
        const waiver = read.waiver(item);
        if (waiver) rules.waivers.push(waiver);
      }
    }
  }
  return { rules, problems };
}

type Report = (node: unknown, message: string) => void;

class Reader {
  constructor(
    private readonly problem: Report,
    private readonly lineOf: (node: unknown) => number,
    private readonly file: string,
  ) {}

  /** The entries of a mapping; an unknown key is a problem (with the key it is probably a typo of). */
  *entries(map: YAMLMap, known: string[], where: string): Generator<[string, Node | null, Node]> {
    for (const pair of map.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : "";
      if (!known.includes(key)) {
        const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistanceAtMostOne(k, key));
        const at = where ? `${where}.${key}` : key;
        this.problem(
          keyNode,
          `unknown key "${at}"${near ? ` (did you mean "${near}"?)` : ""}; known keys: ${known.join(", ")}`,
        );
        continue;
      }
      yield [key, (pair.value as Node | null) ?? null, keyNode];
    }
  }

  *list(node: Node, what: string): Generator<Node> {
    if (!isSeq(node)) {
      this.problem(node, `${what} is a list`);
      return;
    }
    for (const item of node.items) yield item as Node;
  }

  private mapping(node: Node, what: string, known: string[]): Map<string, [Node | null, Node]> | undefined {
    if (!isMap(node)) {
      this.problem(node, `${what} is a mapping (${known.join(", ")})`);
      return undefined;
    }
    const out = new Map<string, [Node | null, Node]>();
    for (const [k, v, keyNode] of this.entries(node, known, what)) out.set(k, [v, keyNode]);
    return out;
  }

  private text(entry: [Node | null, Node] | undefined, what: string, required: boolean): string | undefined {
    if (!entry) return undefined;
    const [value, keyNode] = entry;
    const v = isScalar(value) ? value.value : undefined;
    if (typeof v === "string" && v.trim() !== "") return v;
    if (required || value !== null) this.problem(value ?? keyNode, `${what} is a non-empty string`);
    return undefined;
  }

  private glob(entry: [Node | null, Node] | undefined, what: string): string | undefined {
    const g = this.text(entry, what, true);
    const bad = g === undefined ? undefined : globProblem(g);
    if (bad && entry) this.problem(entry[0] ?? entry[1], `${what}: ${bad}`);
    return bad ? undefined : g;
  }

  private match(m: Map<string, [Node | null, Node]>, owner: Node, what: string): PolicyMatch | undefined {
    const entry = m.get("match");
    if (!entry) {
      this.problem(owner, `${what} needs a match (namespace, name, selector, manager)`);
      return undefined;
    }
    const fields = this.mapping(entry[0] ?? entry[1], `${what}.match`, MATCH);
    if (!fields) return undefined;
    if (fields.size === 0) {
      this.problem(entry[1], `${what}.match is empty: name at least a namespace or a name ("*" for all)`);
      return undefined;
    }
    const out: PolicyMatch = {};
    let ok = true;
    for (const key of ["namespace", "name", "manager"] as const) {
      if (!fields.has(key)) continue;
      const g = this.glob(fields.get(key), `${what}.match.${key}`);
      if (g === undefined) ok = false;
      else out[key] = g;
    }
    const sel = fields.get("selector");
    if (sel) {
      const selector = this.selector(sel[0] ?? sel[1], `${what}.match.selector`);
      if (selector) out.selector = selector;
      else ok = false;
    }
    return ok ? out : undefined;
  }

  private selector(node: Node, what: string): Selector | undefined {
    const fields = this.mapping(node, what, SELECTOR);
    if (!fields) return undefined;
    let ok = true;
    const labels = fields.get("matchLabels");
    const labelMap = labels?.[0];
    if (labels && !(isMap(labelMap) && labelMap.items.every((p) => isScalar(p.key) && isScalar(p.value)))) {
      this.problem(labelMap ?? labels[1], `${what}.matchLabels is a mapping of label keys to values`);
      ok = false;
    }
    const exprs = fields.get("matchExpressions");
    for (const e of exprs ? this.list(exprs[0] ?? exprs[1], `${what}.matchExpressions`) : []) {
      const f = this.mapping(e, `${what}.matchExpressions[]`, EXPRESSION);
      const op = f && this.text(f.get("operator"), `${what}.matchExpressions[].operator`, true);
      if (!f || !this.text(f.get("key"), `${what}.matchExpressions[].key`, true) || !op) ok = false;
      else if (!OPERATORS.includes(op)) {
        this.problem(f.get("operator")?.[0], `operator is one of ${OPERATORS.join(", ")}, got ${JSON.stringify(op)}`);
        ok = false;
      }
    }
    return ok ? normalizeSelector(node.toJSON()) : undefined;
  }

  ignore(node: Node): IgnoreRule | undefined {
    const m = this.mapping(node, "ignore[]", IGNORE);
    if (!m) return undefined;
    const match = this.match(m, node, "ignore[]");
    const paths: string[][] = [];
    let ok = match !== undefined;
    const p = m.get("paths");
    for (const item of p ? this.list(p[0] ?? p[1], "ignore[].paths") : []) {
      const text = isScalar(item) && typeof item.value === "string" ? item.value : undefined;
      const parsed = text === undefined ? { problem: "a field path is a string" } : parsePointer(text);
      if ("problem" in parsed) {
        this.problem(item, parsed.problem);
        ok = false;
      } else paths.push(parsed.pointer);
    }
    const owners = this.stringOrList(m.get("fieldsOwnedBy"), "ignore[].fieldsOwnedBy");
    if (owners === undefined) ok = false;
    const w = m.get("whole");
    const whole = w ? isScalar(w[0]) && w[0].value === true : false;
    if (w && !(isScalar(w[0]) && typeof w[0].value === "boolean")) {
      this.problem(w[0] ?? w[1], "ignore[].whole is true or false");
      ok = false;
    }
    if (!whole && paths.length === 0 && (owners ?? []).length === 0 && ok) {
      this.problem(node, "ignore[] says what to ignore: paths, fieldsOwnedBy, or whole: true (the whole policy)");
      ok = false;
    }
    if (whole && (paths.length > 0 || (owners ?? []).length > 0)) {
      this.problem(w?.[1], "whole: true ignores the whole policy: paths and fieldsOwnedBy add nothing to it");
      ok = false;
    }
    if (!ok || !match) return undefined;
    return { at: this.at(node), match, whole, paths, fieldsOwnedBy: owners ?? [] };
  }

  unmanaged(node: Node): UnmanagedRule | undefined {
    const m = this.mapping(node, "unmanaged[]", UNMANAGED);
    if (!m) return undefined;
    const match = this.match(m, node, "unmanaged[]");
    const reason = this.text(m.get("reason"), "unmanaged[].reason", false);
    if (!match) return undefined;
    return reason ? { at: this.at(node), match, reason } : { at: this.at(node), match };
  }

  waiver(node: Node): Waiver | undefined {
    const m = this.mapping(node, "waivers[]", WAIVER);
    if (!m) return undefined;
    const match = this.match(m, node, "waivers[]");
    const missing = ["reason", "owner", "expires"].filter((k) => !m.has(k));
    if (missing.length > 0) {
      this.problem(node, `a waiver needs ${missing.join(", ")}: who is accountable, why, and until when`);
      return undefined;
    }
    const reason = this.text(m.get("reason"), "waivers[].reason", true);
    const owner = this.text(m.get("owner"), "waivers[].owner", true);
    const expires = this.date(m.get("expires") as [Node | null, Node]);
    if (!match || !reason || !owner || !expires) return undefined;
    return { at: this.at(node), match, reason, owner, expires };
  }

  /** A calendar date, YYYY-MM-DD, that exists (2027-02-30 does not). */
  private date([value, keyNode]: [Node | null, Node]): string | undefined {
    const v = isScalar(value) ? value.value : undefined;
    const text = typeof v === "string" ? v : v instanceof Date ? v.toISOString().slice(0, 10) : undefined;
    const m = text && /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const back = new Date(Date.UTC(y, mo - 1, d));
      if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return text;
    }
    this.problem(value ?? keyNode, `waivers[].expires is a date (YYYY-MM-DD), got ${JSON.stringify(v ?? null)}`);
    return undefined;
  }

  private stringOrList(entry: [Node | null, Node] | undefined, what: string): string[] | undefined {
    if (!entry) return [];
    const [value, keyNode] = entry;
    const items = isSeq(value) ? (value.items as Node[]) : [value ?? keyNode];
    const out: string[] = [];
    for (const item of items) {
      const g = this.glob([item, keyNode], what);
      if (g === undefined) return undefined;
      out.push(g);
    }
    return out;
  }

  private at(node: Node): { file: string; line: number } {
    return { file: this.file, line: this.lineOf(node) };
  }
}
