import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LiveSourceError } from "../../../../src/model/errors.js";
import { parseCapture, readLiveFile } from "../../../../src/sources/live/file.js";
import { ItemSplitter, Unsplittable } from "../../../../src/sources/live/json-items.js";
import { decodeUtf8 } from "../../../../src/sources/live/text-checks.js";
import { kubectlList, rawApiList, serverPolicy, type Json } from "../../../fixtures/server-shaped.js";

// A JSON capture is read item by item (bounded memory at 50,000 policies); the whole-file read is the
// reference. Both must yield the same policies, and for a faulty capture the same error, however the bytes
// arrive (here: one byte at a time, seven at a time, all at once).

const stored = { podSelector: {}, policyTypes: ["Ingress"] };
const tricky = serverPolicy("shop", "web", stored, {
  labels: { team: "café", note: 'say "hi" ]} {[ \\' },
  lastApplied: { kind: "NetworkPolicy", metadata: { name: "web", annotations: { a: '\\"]}' } } },
});
const cart = serverPolicy("cart", "api", { ...stored, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] });

function chunks(text: string | Buffer, size: number): Buffer[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function streamed(text: string | Buffer, size: number): Promise<unknown> {
  try {
    return (await readLiveFile("-", Readable.from(chunks(text, size)))).objects;
  } catch (err) {
    if (err instanceof LiveSourceError) return { error: err.detail };
    throw err;
  }
}

function whole(text: string | Buffer): unknown {
  const decoded = decodeUtf8(Buffer.isBuffer(text) ? text : Buffer.from(text));
  if ("badLine" in decoded)
    return {
      error: `line ${decoded.badLine}: not UTF-8 (kubectl writes UTF-8; a re-encoded capture would compare changed labels)`,
    };
  try {
    return parseCapture(decoded.text, "stdin");
  } catch (err) {
    if (err instanceof LiveSourceError) return { error: err.detail };
    throw err;
  }
}

const list = (items: unknown[], extra: Json = {}) =>
  JSON.stringify({ ...kubectlList(items as Json[]), ...extra }, null, 2);
const listKindLast = (items: unknown[], meta: Json = { resourceVersion: "1" }) =>
  `{"apiVersion":"v1","items":${JSON.stringify(items)},"kind":"List","metadata":${JSON.stringify(meta)}}`;

const captures: [string, string | Buffer][] = [
  ["a kubectl List with escapes, brackets in strings and UTF-8", list([tricky, cart])],
  ["a raw NetworkPolicyList (items without kind)", JSON.stringify(rawApiList([tricky, cart]))],
  ["with a BOM", `\uFEFF${list([cart])}`],
  ["a List nested in a List", list([kubectlList([cart]), tricky])],
  [
    "kind after items, items without kind",
    `{"items":[${JSON.stringify({ metadata: { name: "a", namespace: "b" }, spec: stored })}],"kind":"NetworkPolicyList","apiVersion":"networking.k8s.io/v1"}`,
  ],
  ["one NetworkPolicy object", JSON.stringify(cart)],
  ["an empty List", list([])],
  ["a duplicate", listKindLast([cart, tricky, cart])],
  ["a duplicate, then a syntax error", listKindLast([cart, cart]).replace('"kind":"List"', '"kind":"List",,')],
  ["a duplicate in a partial list (metadata after items)", listKindLast([cart, cart], { continue: "abc" })],
  [
    "a duplicate, then a bad byte",
    Buffer.concat([
      Buffer.from(listKindLast([cart, cart, serverPolicy("a", "b", stored, { labels: { x: "caf\u00e9" } })]), "latin1"),
    ]),
  ],
  ["a trailing comma", list([cart]).replace(/}\s*\]/, "},]")],
  ["a scalar item", listKindLast([cart, 7])],
  ["a List of Pods", listKindLast([{ kind: "Pod", apiVersion: "v1", metadata: { name: "p", namespace: "n" } }])],
  ["deep nesting in an item", `{"apiVersion":"v1","kind":"List","items":[${"[".repeat(300)}${"]".repeat(300)}]}`],
  ["deep nesting after a duplicate", listKindLast([cart, cart, JSON.parse(`${"[".repeat(120)}${"]".repeat(120)}`)])],
  ["a Status", JSON.stringify({ kind: "Status", apiVersion: "v1", message: "forbidden" })],
  ["YAML", "apiVersion: v1\nkind: List\nitems: []\n"],
  ["empty", "  \n"],
  ["two top-level objects", `${list([cart])}\n${list([tricky])}`],
  // UTF-8 that a fatal TextDecoder refuses, inside an item: an encoded surrogate, an overlong form, a cut sequence
  ...[
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
    [0xe2, 0x82],
  ].map((bad): [string, Buffer] => {
    const [head = "", tail = ""] = list([cart, serverPolicy("a", "b", stored, { labels: { x: "MARK" } })]).split(
      "MARK",
    );
    return [
      `invalid UTF-8 ${bad.join(",")} in an item`,
      Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]),
    ];
  }),
  ["four-byte UTF-8 and a BOM", `\uFEFF${list([serverPolicy("a", "b", stored, { labels: { x: "\u{1F600}é" } })])}`],
  [
    "an unstorable CIDR",
    listKindLast([serverPolicy("a", "b", { ...stored, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.1" } }] }] })]),
  ],
];

describe("a JSON capture read item by item", () => {
  it.each(captures)("%s: the same policies or the same error as the whole-file read", async (_what, text) => {
    const expected = whole(text);
    for (const size of [1, 7, 1 << 20]) expect(await streamed(text, size)).toEqual(expected);
  });

  it("hands on each item of the top-level items as its own bytes, the rest as a skeleton", () => {
    const items: string[] = [];
    const splitter = new ItemSplitter({ item: (b) => items.push(Buffer.from(b).toString()), tooDeep: () => {} }, 100);
    for (const c of chunks(list([tricky, cart], { metadata: { continue: "" } }), 3)) splitter.push(c);
    expect(items.map((t) => JSON.parse(t))).toEqual([tricky, cart]);
    expect(JSON.parse(Buffer.from(splitter.end()).toString())).toEqual({
      ...kubectlList([]),
      metadata: { continue: "" },
    });
  });

  it("leaves what it does not read to the whole-file read", () => {
    for (const text of ["- a\n", "[1]", '{"items":[1]}', '{"items":[],"items":[]}', '{"a":1']) {
      const splitter = new ItemSplitter({ item: () => {}, tooDeep: () => {} }, 100);
      expect(() => {
        splitter.push(Buffer.from(text));
        splitter.end();
      }).toThrow(Unsplittable);
    }
  });
});
