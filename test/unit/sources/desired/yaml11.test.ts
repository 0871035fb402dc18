import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { goYamlTags, resolvePlain } from "../../../../src/sources/desired/yaml11.js";

// go-yaml v2 (sigs.k8s.io/yaml, what kubectl reads manifests with) resolves plain scalars as YAML 1.1.
describe("YAML 1.1 scalars as go-yaml v2 resolves them", () => {
  it.each([
    ["yes", true],
    ["Yes", true],
    ["YES", true],
    ["y", true],
    ["Y", true],
    ["on", true],
    ["ON", true],
    ["true", true],
    ["no", false],
    ["n", false],
    ["off", false],
    ["Off", false],
    ["FALSE", false],
    ["~", null],
    ["null", null],
    ["", null],
    ["8_080", 8080],
    ["80", 80],
    ["+80", 80],
    ["-5", -5],
    ["0x1F", 31],
    ["010", 8],
    ["0o17", 15],
    ["0b101", 5],
    ["-0b11", -3],
    ["08", 8],
    ["1e+3", 1000],
    ["1_0.5", 10.5],
    [".5", 0.5],
    ["-.inf", Number.NEGATIVE_INFINITY],
  ])("%s → %s", (text, value) => {
    expect(resolvePlain(text)?.value).toEqual(value);
  });

  it.each(["1e3", "2020-01-01", "yess", "0x", "1.2.3", "8080a", "_80", "Y2", "ok", "0b2"])(
    "%s stays a string",
    (text) => {
      expect(resolvePlain(text)).toBeUndefined();
    },
  );

  it("in a document: keys and values, quoted and tagged scalars stay strings", () => {
    const doc = parse('team: yes\nport: 8_080\non: 1\nquoted: "yes"\ntagged: !!str 80\nempty:\nwhen: 2020-01-01\n', {
      customTags: goYamlTags as never,
    }) as Record<string, unknown>;
    expect(doc).toEqual({
      team: true,
      port: 8080,
      true: 1,
      quoted: "yes",
      tagged: "80",
      empty: null,
      when: "2020-01-01",
    });
  });
});
