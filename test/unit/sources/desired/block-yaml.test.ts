import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, yamlFiles } from "../../../fixtures/yaml-files.js";
import { parseAllDocuments } from "yaml";
import { parseBlockYaml } from "../../../../src/sources/desired/block-yaml.js";
import { YAML_OPTIONS } from "../../../../src/sources/desired/parse.js";

// The line-by-line reader of plain block YAML must read exactly what the position-keeping parse reads, or
// decline the file.
const ROOT = REPO_ROOT;

const reference = (text: string) => parseAllDocuments(text, YAML_OPTIONS()).map((d) => d.toJS() as unknown);

const cases: Record<string, string> = {
  compact: 'a:\n- x: 1\n  w: "2"\n- z\nb: {}\nc: []\n',
  nested:
    "spec:\n  ingress:\n    - from:\n      - podSelector: {}\n      ports:\n        - port: 80 # web\n  egress: []\n",
  documents: "# head\n---\nkind: A\n---\nkind: B\nv: 'it s'\n",
  scalars: "a: yes\nb: 0x50\nc: ~\nd: 2020-01-01\ne: 'quoted # not a comment'\nf: a#b\ng: \"\"\nh: 8_080\n",
  crlf: "a: 1\r\nb:\r\n  - c\r\n",
};

describe("block YAML reader", () => {
  it.each(Object.entries(cases))("%s: the same values as the position-keeping parse, or declined", (_n, text) => {
    const docs = parseBlockYaml(text);
    if (docs) expect(docs.map((d) => d.value)).toEqual(reference(text));
  });

  it("reads the plain cases itself and gives each item's line", () => {
    const docs = parseBlockYaml(cases.nested as string);
    expect(docs).toBeDefined();
    const spec = docs?.[0]?.value.spec as { ingress: unknown[] };
    expect(docs?.[0]?.itemLines.get(spec.ingress)).toEqual([3]);
    for (const k of ["compact", "documents", "crlf"]) expect(parseBlockYaml(cases[k] as string), k).toBeDefined();
  });

  it.each([
    ["a flow collection with content", "a: [x, y]\n"],
    ["a block scalar", "a: |\n  x\n"],
    ["a multi-line plain scalar", "a: x\n  y\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a key that is a boolean", "on: 1\n"],
    ["an escape", 'a: "x\\ty"\n'],
    ["odd indentation", "a:\n    b: 1\n  c: 2\n"],
    ["an empty document", "a: 1\n---\n"],
    ["a tab as indentation (the API server refuses it)", "a:\n\tb: 1\n"],
    ["a tab before a comment", "a: x\t# c\n"],
  ])("declines %s", (_n, text) => {
    expect(parseBlockYaml(text)).toBeUndefined();
  });

  it("agrees with the position-keeping parse on the repository's fixtures, and reads most of them", async () => {
    const files = [
      ...(await yamlFiles(path.join(ROOT, "desired"))),
      ...(await yamlFiles(path.join(ROOT, "test/e2e/fixtures"))),
    ];
    let taken = 0;
    for (const f of files) {
      const text = await readFile(f, "utf8");
      const docs = parseBlockYaml(text);
      if (!docs) continue;
      taken++;
      expect(
        docs.map((d) => d.value),
        path.relative(ROOT, f),
      ).toEqual(reference(text));
    }
    expect(taken).toBeGreaterThan(files.length / 3);
  });

  it("reads generated lines as the position-keeping parse does, or declines: Unicode spaces are content", () => {
    // Lines of pieces YAML is particular about: tabs, NBSP and U+3000 (JS trim takes them, YAML does not),
    // comments, markers, quotes, flow `{}`, CRLF. Deterministic: the same texts every run.
    const pieces = [": \u00a0x", ":\u3000", ": \tx", "k:  ", "a:", "b: 1", "- x", "- y: 2", "  ", "\t", "#c", " # c"];
    pieces.push("---", "--- #x", "...", "\u00a0", "\ufeff", "\u3000", "k: v ", "k: v\t", "k: 'q'", "-", "- ", "c: []");
    pieces.push(
      "d: {}",
      "  - z",
      "    w: 3",
      "é: 1",
      "k: v\u00a0",
      ".x: 1",
      "-x: 1",
      "x",
      "\t# c",
      '"q"',
      "{} # c",
      "yes",
    );
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const strict = (text: string) => {
      const docs = parseAllDocuments(text, YAML_OPTIONS());
      return docs.some((d) => d.errors.length > 0) ? "refused" : docs.map((d) => d.toJS() as unknown);
    };
    let taken = 0;
    for (let t = 0; t < 20_000; t++) {
      const lines = Array.from({ length: 1 + rnd(6) }, () =>
        Array.from({ length: 1 + rnd(3) }, () => pieces[rnd(pieces.length)]).join(""),
      );
      const text = lines.join(rnd(5) > 0 ? "\n" : "\r\n") + (rnd(2) > 0 ? "\n" : "");
      const docs = parseBlockYaml(text);
      if (!docs) continue;
      taken++;
      expect(
        docs.map((d) => d.value),
        JSON.stringify(text),
      ).toEqual(strict(text));
    }
    expect(taken).toBeGreaterThan(500); // the reader takes enough of them for the comparison to mean something
  });
});
