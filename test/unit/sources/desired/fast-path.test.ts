import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, yamlFiles } from "../../../fixtures/yaml-files.js";
import { loadNormalized } from "../../../helpers/desired.js";
import { fastParse } from "../../../../src/sources/desired/fast-parse.js";
import { parseManifestText } from "../../../../src/sources/desired/parse.js";
import { tempTree } from "../../../fixtures/temp-tree.js";

// The fast path (js-yaml) and the position-keeping parse (yaml) must read every file to identical values,
// lines and problems under the YAML 1.1 rules kubectl reads with.
const ROOT = REPO_ROOT;

const both = (text: string) => [
  parseManifestText(text, "ns/f.yaml", "ns"),
  parseManifestText(text, "ns/f.yaml", "ns", { positions: true }),
];

const yaml11 = [
  "apiVersion: networking.k8s.io/v1",
  "kind: NetworkPolicy",
  "metadata:",
  "  name: yaml-eleven",
  '  labels: {quoted: "yes", when: 2020-01-01, empty: "", octal-looking: "0123"}',
  "spec:",
  "  podSelector:",
  '    matchLabels: {on: "x", 1: "one"}',
  '    matchExpressions: [{key: k, operator: In, values: [null, "no", plain]}]',
  "  ingress:",
  "    - ports: [{port: 8_080}, {port: 0x50}, {port: 0123}, {port: 08}, {port: +443, endPort: 1e+3}, null]",
  "      from:",
  "        - ipBlock:",
  "            cidr: 10.0.0.0/8",
  "            except:",
  "              - 10.1.0.0/16",
  "  policyTypes: [Ingress]",
  "",
].join("\n");

describe("desired fast path ≡ position-keeping parse", () => {
  it("takes the fast path for a plain valid policy, with YAML 1.1 scalars read the same way", () => {
    expect(fastParse(yaml11, () => true)).toBeDefined();
    const [fast, slow] = both(yaml11);
    expect(fast).toEqual(slow);
    expect(fast?.policies[0]?.raw).toMatchObject({
      spec: {
        ingress: [
          { ports: [{ port: 8080 }, { port: 80 }, { port: 83 }, { port: 8 }, { port: 443, endPort: 1000 }, {}] },
        ],
      },
    });
  });

  it.each([
    [
      "comments and several documents",
      `# header\n\n---\n# first\n${yaml11}---\n\n${yaml11.replace("yaml-eleven", "second")}`,
    ],
    ["CRLF line ends", yaml11.replaceAll("\n", "\r\n")],
    ["a trailing empty document", `${yaml11}---\n`],
    ["content after ---", `--- ${yaml11}`],
    ["anchors and a merge key", yaml11.replace("  policyTypes: [Ingress]", "  <<: &t {policyTypes: [Ingress]}")],
    ["a tag", yaml11.replace("name: yaml-eleven", "name: !!str yaml-eleven")],
    ["a duplicate key", yaml11.replace("  name: yaml-eleven", "  name: yaml-eleven\n  name: again")],
    ["a List", `apiVersion: v1\nkind: List\nitems:\n  - ${yaml11.trimEnd().split("\n").join("\n    ")}\n`],
    ["a problem", yaml11.replace("10.1.0.0/16", "11.0.0.0/16")],
    ["a Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"],
    ["YAML 1.1 booleans where strings belong", yaml11.replace('quoted: "yes"', "quoted: yes")],
    ["a null key", yaml11.replace('1: "one"', '~: "null key"')],
  ])("agrees on %s", (_what, text) => {
    const [fast, slow] = both(text);
    expect(fast).toEqual(slow);
  });

  it("agrees on every YAML file of the repository's fixtures and examples", async () => {
    const files = [
      ...(await yamlFiles(path.join(ROOT, "desired"))),
      ...(await yamlFiles(path.join(ROOT, "test/e2e/fixtures"))),
    ];
    expect(files.length).toBeGreaterThan(80);
    let fastTaken = 0;
    for (const f of files) {
      const text = await readFile(f, "utf8");
      if (fastParse(text, () => true)) fastTaken++;
      const [fast, slow] = both(text);
      expect(fast, path.relative(ROOT, f)).toEqual(slow);
    }
    expect(fastTaken).toBeGreaterThan(files.length / 2); // the comparison is not vacuous
  });

  it("agrees on a whole folder load, origins included", async () => {
    const root = await tempTree({
      "a/one.yaml": yaml11,
      "b/two.yaml": `# c\n---\n${yaml11}`,
      "c/bad.yaml": yaml11.replace("In,", "Equals,"),
    });
    expect(await loadNormalized(root)).toEqual(await loadNormalized(root, { positions: true }));
  });
});
