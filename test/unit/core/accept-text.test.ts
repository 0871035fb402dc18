import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, parseAllDocuments } from "yaml";
import { carryLineChanges, plainIsString, styleOf } from "../../../src/core/accept-text.js";
import { resolvePlain } from "../../../src/sources/desired/yaml11.js";

describe("plainIsString: what may be written unquoted", () => {
  // The loader's own resolver (go-yaml v2 rules) is the judge: anything written plain must read back a string.
  const tricky = [
    "on",
    "On",
    "ON",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    "8080",
    "0x1F",
    "0o17",
    "0b101",
    "017",
    "8_080",
    "1e3",
    "1E3",
    ".5",
    "-1",
    "+1",
    ".inf",
    "-.inf",
    ".nan",
    "1:20",
    "2001-12-14",
    "10.0.0.0/8",
    "10.0.0.0",
    "1.5",
    "web",
    "stratmaster-api",
    "kubernetes.io/metadata.name",
    "a b",
    "#x",
    "x#",
    "-x",
    "x:",
    "x: y",
    "[x]",
    "{x}",
    "*x",
    "&x",
    "!x",
    "%x",
    "@x",
    "`x",
    "'x",
    '"x',
    "Infinity",
    "NaN",
    "e3",
    "_1",
    "0",
    "00",
    "1_000",
    "0x",
    "fe80::/10",
  ];
  it("only says plain where the loader reads a string", () => {
    for (const s of tricky) if (plainIsString(s)) expect(resolvePlain(s), s).toBeUndefined();
  });

  it("also for every short string over digits, signs, dots, underscores, letters that spell numbers", () => {
    const chars = "0159+-._exbo/";
    const all: string[] = [""];
    for (let len = 0; len < 4; len++) for (const s of [...all]) for (const c of chars) all.push(s + c);
    let plain = 0;
    for (const s of new Set(all))
      if (plainIsString(s)) {
        plain++;
        expect(resolvePlain(s), s).toBeUndefined();
      }
    expect(plain).toBeGreaterThan(50); // the check is not vacuous: many of these are plain
  });

  it("keeps the everyday names and CIDRs plain", () => {
    for (const s of ["web", "stratmaster-api", "kubernetes.io/metadata.name", "10.0.0.0/8", "Ingress"])
      expect(plainIsString(s), s).toBe(true);
    for (const s of ["on", "8080", "", "1e3", "0o17", "a b", "x: y"]) expect(plainIsString(s), s).toBe(false);
  });
});

describe("carryLineChanges: the file's own spelling where nothing changed", () => {
  const reparsed = (text: string, docs = parseAllDocuments(text, { version: "1.1" })) =>
    (docs as unknown as { toString(o: object): string }[])
      .map((d) => d.toString({ lineWidth: 0, flowCollectionPadding: false, ...styleOf(text) }))
      .join("");

  it("carries a real tree edit into every repository YAML file: same values as the tree, every line kept", () => {
    const root = path.resolve(import.meta.dirname, "../../..");
    const files = [
      ...readdirSync(path.join(root, "desired"), { recursive: true }).map((f) => path.join(root, "desired", String(f))),
      ...readdirSync(path.join(root, "test/e2e/fixtures"), { recursive: true }).map((f) =>
        path.join(root, "test/e2e/fixtures", String(f)),
      ),
    ].filter((f) => /\.ya?ml$/.test(f));
    const values = (t: string) => parseAllDocuments(t, { version: "1.1" }).map((d) => d.toJS());
    let n = 0;
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      const docs = parseAllDocuments(text, { version: "1.1" });
      const first = Array.isArray(docs) ? docs[0] : undefined;
      if (!first || docs.some((d) => d.errors.length > 0) || !isMap(first.contents)) continue;
      n++;
      const before = reparsed(text);
      first.set("zzAdded", "by the test");
      const after = reparsed(text, docs);
      const out = carryLineChanges(text, before, after);
      expect(values(out), f).toEqual(values(after));
      const kept = new Set(out.split("\n"));
      expect(
        text.split("\n").filter((l) => !kept.has(l)),
        f,
      ).toEqual([]);
    }
    expect(n).toBeGreaterThan(20);
  });

  it("carries one changed line into a file spelt differently, keeping its comment spacing", () => {
    const text = "a:   {x: 1}\nb: 2    # two\nc: [ 3 ]\n";
    const before = "a: {x: 1}\nb: 2 # two\nc: [3]\n";
    const after = "a: {x: 1}\nb: 5 # two\nc: [3]\nd: 4\n";
    expect(carryLineChanges(text, before, after)).toBe("a:   {x: 1}\nb: 5    # two\nc: [ 3 ]\nd: 4\n");
  });

  it("keeps a CRLF file CRLF, the new lines included", () => {
    const text = "a:   1\r\nb: 2\r\n";
    expect(carryLineChanges(text, "a: 1\nb: 2\n", "a: 1\nb: 3\nc: 4\n")).toBe("a:   1\r\nb: 3\r\nc: 4\r\n");
  });

  it("removes lines and inserts them between lines the file spells as the tree does", () => {
    const text = "k:\n  - a\n  - b\n  - c\n";
    expect(carryLineChanges(text, text, "k:\n  - a\n  - c\n  - d\n")).toBe("k:\n  - a\n  - c\n  - d\n");
  });

  it("reads the indentation style of a file", () => {
    expect(styleOf("a:\n    b: 1\n    c:\n    - x\n")).toEqual({ indent: 4, indentSeq: false });
    expect(styleOf("a:\n  b:\n    - x\n")).toEqual({ indent: 2, indentSeq: true });
    expect(styleOf("# only a comment\n")).toEqual({ indent: 2, indentSeq: true });
  });
});
