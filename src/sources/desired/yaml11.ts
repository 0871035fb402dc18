import type { ScalarTag } from "yaml";

// kubectl reads YAML with sigs.k8s.io/yaml, i.e. go-yaml v2: YAML 1.1 plain scalars. `team: yes` is a
// boolean there (and the API server refuses it as a label value), `8_080` is 8080, `on:` is the key "true".
// A manifest must mean here what it means to kubectl, so plain scalars resolve exactly as go-yaml v2's
// resolve(): a lookup table, then (for a leading digit or sign) Go's ParseInt(base 0) with every `_`
// removed, ParseUint, and a restricted float. Timestamps stay strings (go-yaml v2 keeps them as strings
// when decoding into interface{}, as kubectl does).

export type Resolved = { kind: "null" | "bool" | "int" | "float"; value: unknown };

const TABLE = new Map<string, Resolved>();
const put = (kind: Resolved["kind"], value: unknown, words: string[]) =>
  words.forEach((w) => TABLE.set(w, { kind, value }));
put("bool", true, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
put("bool", false, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
put("null", null, ["", "~", "null", "Null", "NULL"]);
put("float", Number.NaN, [".nan", ".NaN", ".NAN"]);
put("float", Number.POSITIVE_INFINITY, [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
put("float", Number.NEGATIVE_INFINITY, ["-.inf", "-.Inf", "-.INF"]);

const YAML_STYLE_FLOAT = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;
// Go's strconv.ParseFloat syntax (decimal only, which is all the float rules below can reach)
const GO_FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

// Both parsers ask once per candidate type (null, bool, int, float): remember the last answer.
let lastText: string | undefined;
let lastResolved: Resolved | undefined;

/** What go-yaml v2 makes of a plain (unquoted, untagged) scalar; undefined = a string. */
export function resolvePlain(s: string): Resolved | undefined {
  if (s !== lastText) {
    lastResolved = resolveUncached(s);
    lastText = s;
  }
  return lastResolved;
}

function resolveUncached(s: string): Resolved | undefined {
  const hit = TABLE.get(s);
  if (hit) return hit;
  const c = s[0];
  if (c === ".") return GO_FLOAT.test(s) ? { kind: "float", value: Number(s) } : undefined;
  if (c === undefined || !"+-0123456789".includes(c)) return undefined;
  const plain = s.replaceAll("_", "");
  const n = goParseInt(plain);
  if (n !== undefined && n >= -INT64_MAX - 1n && n <= UINT64_MAX) return { kind: "int", value: Number(n) };
  if (YAML_STYLE_FLOAT.test(plain) && GO_FLOAT.test(plain)) return { kind: "float", value: Number(plain) };
  if (plain.startsWith("0b") || plain.startsWith("-0b")) {
    const neg = plain.startsWith("-");
    const digits = plain.slice(neg ? 3 : 2);
    if (/^[01]+$/.test(digits)) return { kind: "int", value: Number((neg ? -1n : 1n) * BigInt(`0b${digits}`)) };
  }
  return undefined;
}

/** strconv.ParseInt(s, 0, 64) without the range check: sign, then 0x/0o/0b/0-octal or decimal. */
function goParseInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, body] = m as unknown as [string, string, string];
  const lower = body.toLowerCase();
  const value = /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(lower);
  return sign === "-" ? -value : value;
}

function tag(kind: Resolved["kind"], name: string): ScalarTag {
  return {
    tag: `tag:yaml.org,2002:${name}`,
    default: true,
    identify: () => false,
    // yaml calls test.test(source): an object with that method stands in for a RegExp.
    test: { test: (s: string) => resolvePlain(s)?.kind === kind } as unknown as RegExp,
    resolve: (s: string) => {
      const r = resolvePlain(s);
      return (r?.kind === kind ? r.value : s) as never;
    },
  };
}

/** The scalar tags of the `yaml` package, replaced by go-yaml v2's resolution; maps, sequences, strings kept. */
export function goYamlTags(base: unknown[]): unknown[] {
  const keep = base.filter((t) => {
    const name = (t as { tag?: string }).tag;
    return name === "tag:yaml.org,2002:map" || name === "tag:yaml.org,2002:seq" || name === "tag:yaml.org,2002:str";
  });
  return [...keep, tag("null", "null"), tag("bool", "bool"), tag("int", "int"), tag("float", "float")];
}
