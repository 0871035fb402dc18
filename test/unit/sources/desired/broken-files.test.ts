import { describe, expect, it } from "vitest";
import { defaultNormalizeOptions } from "../../../../src/model/types.js";
import { loadNormalized } from "../../../helpers/desired.js";
import { MAX_FILE_BYTES } from "../../../../src/sources/desired/read-file.js";
import { link, policyYaml, tempTree } from "../../../fixtures/temp-tree.js";

// Input that cannot be read as YAML at all: each is a problem naming the file and the line, never a crash,
// never "skipped", and the namespace the file sits in is the namespace made uncertain.

const load = (root: string) => loadNormalized(root, { normalize: defaultNormalizeOptions() });
const names = (s: { policies: { namespace: string; name: string }[] }) =>
  s.policies.map((p) => `${p.namespace}/${p.name}`);

describe("desired loader: files that are not valid YAML", () => {
  it("reports a syntax error (unclosed flow mapping) at its line", async () => {
    const root = await tempTree({
      "shop/bad.yaml": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x\nspec: {}\n",
    });
    const s = await load(root);
    expect(s.problems).toHaveLength(1);
    // yaml notices the missing `}` on line 4; the line to fix is where it was opened.
    expect(s.problems[0]).toEqual({
      file: "shop/bad.yaml",
      line: 3,
      namespace: "shop",
      message:
        "invalid YAML: Flow map in block collection must be sufficiently indented and end with a } (noticed at line 4)",
    });
    expect(s.skipped).toEqual([]);
    expect(s.policies).toEqual([]);
  });

  it("reports tab indentation at the tabbed line", async () => {
    const text = policyYaml("tabbed").replace("  podSelector: {}", "\tpodSelector: {}");
    const s = await load(await tempTree({ "shop/tabs.yaml": text }));
    expect(s.problems.map((p) => [p.file, p.line, p.message])).toEqual([
      ["shop/tabs.yaml", 6, "invalid YAML: Tabs are not allowed as indentation"],
    ]);
    expect(s.policies).toEqual([]);
  });

  it("reports an unclosed quote", async () => {
    const text = policyYaml("quoted").replace("  name: quoted", '  name: "quoted\n  labels: {a: b}');
    const s = await load(await tempTree({ "shop/quote.yaml": text }));
    expect(s.problems.map((p) => [p.file, p.line, p.message])).toEqual([
      ["shop/quote.yaml", 4, 'invalid YAML: Missing closing "quote (noticed at line 9)'],
    ]);
    expect(s.policies).toEqual([]);
  });

  it("reports a duplicate key at the second occurrence", async () => {
    const text = policyYaml("first").replace("  name: first", "  name: first\n  name: second");
    const s = await load(await tempTree({ "shop/dupkey.yaml": text }));
    expect(s.problems.map((p) => [p.file, p.line, p.message])).toEqual([
      [
        "shop/dupkey.yaml",
        5,
        'duplicate key "name": refused on purpose, though kubectl would silently keep one of the two values; remove one',
      ],
    ]);
    expect(s.policies).toEqual([]);
  });

  it("reports an alias bomb instead of expanding it", async () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "",
    ].join("\n");
    const s = await load(await tempTree({ "shop/a-ok.yaml": policyYaml("ok"), "shop/bomb.yaml": bomb }));
    // the line of the first alias: where the expansion starts
    expect(s.problems.map((p) => [p.file, p.line, p.namespace])).toEqual([["shop/bomb.yaml", 2, "shop"]]);
    expect(s.problems[0]?.message).toMatch(/alias/i);
    expect(names(s)).toEqual(["shop/ok"]);
  });

  it("reports an alias to an anchor that does not exist", async () => {
    const text = policyYaml("aliased").replace("  podSelector: {}", "  podSelector: *nothing");
    const s = await load(await tempTree({ "shop/alias.yaml": text }));
    const line = text.split("\n").findIndex((l) => l.includes("*nothing")) + 1;
    expect(line).toBeGreaterThan(1);
    expect(s.problems.map((p) => [p.file, p.line])).toEqual([["shop/alias.yaml", line]]);
    expect(s.problems[0]?.message).toMatch(/alias/i);
  });

  it("keeps the good documents of a multi-document file and reports the bad one at its line", async () => {
    const text = [policyYaml("one"), "---", "apiVersion: v1\nkind: [unclosed\n", "---", policyYaml("three")].join("\n");
    const s = await load(await tempTree({ "shop/multi.yaml": text }));
    expect(s.problems.map((p) => [p.file, p.line, p.namespace])).toEqual([["shop/multi.yaml", 11, "shop"]]);
    expect(names(s)).toEqual(["shop/one", "shop/three"]);
  });
});

describe("desired loader: files that are not text", () => {
  it("reports a NUL byte at its line", async () => {
    // policyYaml is 7 lines; the comment is line 8, the NUL on line 9.
    const bytes = Buffer.concat([
      Buffer.from(policyYaml("nul")),
      Buffer.from("# junk\n"),
      Buffer.from([0x00, 0x01, 0x02]),
    ]);
    const s = await load(await tempTree({ "shop/nul.yaml": bytes }));
    expect(s.problems).toEqual([
      { file: "shop/nul.yaml", line: 9, message: "not a text file (NUL byte or invalid UTF-8)", namespace: "shop" },
    ]);
    expect(s.policies).toEqual([]);
  });

  it("reports invalid UTF-8 at the line it occurs on", async () => {
    const bytes = Buffer.concat([
      Buffer.from(policyYaml("latin1")),
      Buffer.from("# caf"),
      Buffer.from([0xe9, 0x0a]),
      Buffer.from("# ok\n"),
    ]);
    const s = await load(await tempTree({ "shop/latin1.yaml": bytes }));
    // The é (0xE9, Latin-1) is the last byte of line 8.
    expect(s.problems).toEqual([
      { file: "shop/latin1.yaml", line: 8, message: "not a text file (NUL byte or invalid UTF-8)", namespace: "shop" },
    ]);
  });

  it("reads a UTF-8 byte order mark as nothing", async () => {
    const s = await load(await tempTree({ "shop/bom.yaml": "\uFEFF" + policyYaml("bom") }));
    expect(s.problems).toEqual([]);
    expect(names(s)).toEqual(["shop/bom"]);
  });

  it("refuses a file over the size limit without parsing it", async () => {
    const line = "# padding line to make this file too large for a policy file\n";
    const big = line.repeat(Math.ceil((MAX_FILE_BYTES + 1) / line.length));
    const s = await load(await tempTree({ "shop/huge.yaml": big, "shop/ok.yaml": policyYaml("ok") }));
    expect(s.problems).toEqual([
      {
        file: "shop/huge.yaml",
        message: `file is ${Buffer.byteLength(big)} bytes, over the ${MAX_FILE_BYTES}-byte limit for a policy file`,
        namespace: "shop",
      },
    ]);
    expect(s.problems[0]?.line).toBeUndefined(); // a whole-file problem has no line
    expect(names(s)).toEqual(["shop/ok"]);
  });
});

describe("desired loader: the folder itself", () => {
  it("reports a symlink loop once and does not hang", async () => {
    const root = await tempTree({ "shop/ok.yaml": policyYaml("ok") });
    await link(root, "shop/again", "..");
    const s = await load(root);
    expect(s.problems).toEqual([
      { file: "shop/again", message: "symlink loop: this folder contains itself", namespace: "shop" },
    ]);
    expect(names(s)).toEqual(["shop/ok"]);
  });

  it("reports a symlink that points at itself and a dangling one", async () => {
    const root = await tempTree({ "shop/ok.yaml": policyYaml("ok") });
    await link(root, "shop/self.yaml", "self.yaml");
    await link(root, "shop/gone.yaml", "does-not-exist.yaml");
    const s = await load(root);
    expect(s.problems.map((p) => [p.file, p.line, p.namespace])).toEqual([
      ["shop/gone.yaml", undefined, "shop"],
      ["shop/self.yaml", undefined, "shop"],
    ]);
    expect(s.problems.every((p) => p.message.startsWith("broken symlink: "))).toBe(true);
  });

  it("reads a folder linked into two namespace folders under each, and a linked file (not a loop)", async () => {
    const tree = await tempTree({ "common/default-deny.yaml": policyYaml("default-deny"), "desired/shop/.keep": "" });
    await link(tree, "desired/shop/common", "../../common");
    await link(tree, "desired/cart/common", "../../common");
    await link(tree, "desired/billing/deny.yaml", "../../common/default-deny.yaml");
    const s = await load(`${tree}/desired`);
    expect(s.problems).toEqual([]);
    expect(s.policies.map((p) => [p.namespace, p.name, p.origin.file])).toEqual([
      ["billing", "default-deny", "billing/deny.yaml"],
      ["cart", "default-deny", "cart/common/default-deny.yaml"],
      ["shop", "default-deny", "shop/common/default-deny.yaml"],
    ]);
  });

  it("is one problem when the desired folder does not exist", async () => {
    const root = await tempTree();
    const s = await load(`${root}/nope`);
    expect(s.problems).toEqual([
      { file: `${root}/nope`, message: "desired state directory does not exist or is not a directory", namespace: "*" },
    ]);
  });
});
