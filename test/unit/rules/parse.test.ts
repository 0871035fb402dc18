import { describe, expect, it } from "vitest";
import { parseRules } from "../../../src/rules/parse.js";

const FILE = ".netpol-drift.yaml";

describe("parseRules: the shape in the README", () => {
  it("reads ignore rules, the unmanaged allow-list and waivers, each with its line", () => {
    const { rules, problems } = parseRules(
      [
        "ignore:                       # compared as absent on both sides",
        '  - match: {namespace: "tenant-*", name: "*"}',
        "    paths: [/metadata/annotations/*, /spec/ingress/*/from/*/ipBlock/except]",
        '  - match: {namespace: "*"}',
        "    fieldsOwnedBy: calico-kube-controllers",
        "  - match: {namespace: istio-system, selector: {matchLabels: {app: istiod}}}",
        "    whole: true",
        "unmanaged:",
        "  - match: {namespace: netpol-drift, name: '*'}",
        "    reason: the tool's own deploy/ policies",
        "unmanagedIn: desired-namespaces",
        "waivers:",
        "  - match: {namespace: tenant-acme, name: default-deny}",
        "    reason: INC-4711 hot fix until the new ingress controller ships",
        "    owner: platform-team",
        "    expires: 2027-01-31",
      ].join("\n"),
      FILE,
    );
    expect(problems).toEqual([]);
    expect(rules.ignore).toEqual([
      {
        at: { file: FILE, line: 2 },
        match: { namespace: "tenant-*", name: "*" },
        whole: false,
        paths: [
          ["metadata", "annotations", "*"],
          ["spec", "ingress", "*", "from", "*", "ipBlock", "except"],
        ],
        fieldsOwnedBy: [],
      },
      {
        at: { file: FILE, line: 4 },
        match: { namespace: "*" },
        whole: false,
        paths: [],
        fieldsOwnedBy: ["calico-kube-controllers"],
      },
      {
        at: { file: FILE, line: 6 },
        match: { namespace: "istio-system", selector: { matchLabels: { app: "istiod" } } },
        whole: true,
        paths: [],
        fieldsOwnedBy: [],
      },
    ]);
    expect(rules.unmanaged).toEqual([
      {
        at: { file: FILE, line: 9 },
        match: { namespace: "netpol-drift", name: "*" },
        reason: "the tool's own deploy/ policies",
      },
    ]);
    expect(rules.unmanagedIn).toBe("desired-namespaces");
    expect(rules.waivers).toEqual([
      {
        at: { file: FILE, line: 13 },
        match: { namespace: "tenant-acme", name: "default-deny" },
        reason: "INC-4711 hot fix until the new ingress controller ships",
        owner: "platform-team",
        expires: "2027-01-31",
      },
    ]);
  });

  it("reads an empty file, and a label key with / in a pointer as ~1", () => {
    expect(parseRules("", FILE).problems).toEqual([]);
    expect(parseRules("# nothing yet\n", FILE).rules.ignore).toEqual([]);
    const { rules } = parseRules(
      "ignore:\n  - match: {name: web}\n    paths: [/metadata/labels/app.kubernetes.io~1version]\n",
      FILE,
    );
    expect(rules.ignore[0]?.paths).toEqual([["metadata", "labels", "app.kubernetes.io/version"]]);
  });
});

describe("parseRules: a malformed file is a problem at file:line", () => {
  const problemsOf = (lines: string[]) => parseRules(lines.join("\n"), FILE).problems;

  it.each([
    [
      "an unknown top-level key, with the key it is a typo of",
      ["ignore: []", "waiver:", "  - match: {name: x}"],
      2,
      /unknown key "waiver" \(did you mean "waivers"\?\)/,
    ],
    [
      "an unknown key in a match",
      ["unmanaged:", "  - match:", "      namspace: x"],
      3,
      /unknown key "unmanaged\[\]\.match\.namspace" \(did you mean "namespace"\?\)/,
    ],
    [
      "a bad glob",
      ["unmanaged:", "  - match: {namespace: 'tenant-[ab'}"],
      2,
      /unmanaged\[\]\.match\.namespace: Missing closing: "\]"/,
    ],
    [
      "a bad glob in a manager",
      ["ignore:", "  - match: {name: x}", "    fieldsOwnedBy: ['calico-{a,b']"],
      3,
      /fieldsOwnedBy: Missing closing/,
    ],
    [
      "a date that does not exist",
      ["waivers:", "  - match: {name: x}", "    reason: r", "    owner: o", "    expires: 2027-02-30"],
      5,
      /expires is a date \(YYYY-MM-DD\), got "2027-02-30"/,
    ],
    [
      "a date that is not a date",
      ["waivers:", "  - match: {name: x}", "    reason: r", "    owner: o", "    expires: next week"],
      5,
      /expires is a date/,
    ],
    [
      "a waiver without reason and owner",
      ["waivers:", "  - match: {name: x}", "    expires: 2027-01-31"],
      2,
      /a waiver needs reason, owner/,
    ],
    [
      "a waiver without expiry",
      ["waivers:", "  - match: {name: x}", "    reason: r", "    owner: o"],
      2,
      /a waiver needs expires/,
    ],
    [
      "a waiver with an empty reason",
      ["waivers:", "  - match: {name: x}", "    reason: ''", "    owner: o", "    expires: 2027-01-31"],
      3,
      /reason is a non-empty string/,
    ],
    [
      "a rule without a match",
      ["waivers:", "  - reason: r", "    owner: o", "    expires: 2027-01-31"],
      2,
      /needs a match/,
    ],
    ["an empty match", ["unmanaged:", "  - match: {}"], 2, /match is empty/],
    [
      "a misspelt field in a path",
      ["ignore:", "  - match: {name: x}", "    paths:", "      - /spec/ingres/*/from"],
      4,
      /unknown field "spec.ingres" \(did you mean "spec.ingress"\?\)/,
    ],
    [
      "an index in a path",
      ["ignore:", "  - match: {name: x}", "    paths: [/spec/egress/0/to]"],
      3,
      /is a list, compared as a set.*write "\*"/,
    ],
    [
      "a path outside what is compared",
      ["ignore:", "  - match: {name: x}", "    paths: [/metadata/name]"],
      3,
      /only \/metadata\/labels and \/metadata\/annotations/,
    ],
    [
      "a path that is not a pointer",
      ["ignore:", "  - match: {name: x}", "    paths: [spec.ingress]"],
      3,
      /JSON pointer starting with "\/"/,
    ],
    ["an ignore that ignores nothing", ["ignore:", "  - match: {name: x}"], 2, /says what to ignore/],
    [
      "whole with paths",
      ["ignore:", "  - match: {name: x}", "    whole: true", "    paths: [/spec]"],
      3,
      /whole: true ignores the whole policy/,
    ],
    [
      "a bad operator",
      [
        "ignore:",
        "  - match:",
        "      selector:",
        "        matchExpressions: [{key: a, operator: Is}]",
        "    whole: true",
      ],
      4,
      /operator is one of In, NotIn/,
    ],
    ["a bad unmanagedIn", ["unmanagedIn: everywhere"], 1, /unmanagedIn is "all" or "desired-namespaces"/],
    ["a list that is a mapping", ["waivers:", "  match: {name: x}"], 2, /waivers is a list/],
    ["invalid YAML", ["ignore:", "  - match: {name: x", "waivers: []"], 3, /not valid YAML/],
    ["an unquoted *", ["unmanaged:", "  - match: {namespace: x, name: *}"], 2, /needs quotes: name: "\*"/],
    ["a key given twice", ["waivers: []", "waivers: []"], 2, /not valid YAML: Map keys must be unique/],
  ])("%s", (_what, lines, line, message) => {
    const problems = problemsOf(lines);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: FILE, line });
    expect(problems[0]?.message).toMatch(message);
  });

  it("leaves a malformed rule out instead of keeping half of it", () => {
    const { rules, problems } = parseRules(
      ["waivers:", "  - match: {name: 'a[b'}", "    reason: r", "    owner: o", "    expires: 2027-01-31"].join("\n"),
      FILE,
    );
    expect(problems).toHaveLength(1);
    expect(rules.waivers).toEqual([]);
  });
});

describe("the README's example", () => {
  it("is a valid rules file", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Rules: `.netpol-drift.yaml`"));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const { rules, problems } = parseRules(block, ".netpol-drift.yaml");
    expect(problems).toEqual([]);
    expect([rules.ignore.length, rules.unmanaged.length, rules.waivers.length]).toEqual([3, 1, 1]);
  });
});
