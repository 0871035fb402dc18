// `check` as SARIF 2.1.0 (OASIS), the format GitHub code scanning and other CI systems annotate files from.
import { type CheckResult, INVARIANTS } from "../model/check.js";
import { VERSION } from "../model/version.js";
import { sarifText, sarifUri } from "./escape.js";
import { collapsePath, pathUnder } from "../util/location.js";
import { checkWaiverNotes, waiverLocation } from "./rules.js";

export function renderSarif(r: CheckResult): string {
  const rules = [
    ...INVARIANTS.map((inv) => ({
      id: inv.id,
      name: inv.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: `Baseline: ${inv.title}` },
      defaultConfiguration: { level: "error" },
    })),
    {
      id: "load",
      name: "Load",
      shortDescription: { text: "A desired-state file could not be read as NetworkPolicies" },
      defaultConfiguration: { level: "error" },
    },
    {
      id: "waiver",
      name: "Waiver",
      shortDescription: { text: "A waiver of the rules file has run out, ends within 7 days, or covers nothing" },
      defaultConfiguration: { level: "warning" },
    },
  ];
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const location = (file: string | undefined, line: number | undefined) => {
    if (!file) return [];
    const uri = collapsePath(pathUnder(r.root, file));
    return [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(uri) },
          region: { startLine: line && line > 0 ? line : 1 },
        },
      },
    ];
  };
  const results = [
    ...r.violations.map((v) => ({
      ruleId: v.invariant,
      ruleIndex: index.get(v.invariant),
      level: "error",
      message: { text: sarifText(v.message) },
      locations: location(v.file, v.line),
      properties: {
        namespace: v.namespace,
        ...(v.policy ? { policy: v.policy } : {}),
        ...(v.rule ? { rule: v.rule } : {}),
        ...(v.witness ? { witness: v.witness } : {}),
      },
    })),
    ...r.problems.map((p) => ({
      ruleId: "load",
      ruleIndex: index.get("load"),
      level: "error",
      message: { text: sarifText(p.message) },
      locations: location(p.file, p.line),
    })),
    // Reported, not judged (as in the text): an expired waiver is a warning, the others notes.
    ...checkWaiverNotes(r.waivers).map((n) => {
      const at = waiverLocation(n.waiver);
      return {
        ruleId: "waiver",
        ruleIndex: index.get("waiver"),
        level: n.kind === "expired" ? "warning" : "note",
        message: { text: sarifText(n.text) },
        locations: location(at.file, at.line),
        properties: { waiver: n.kind, owner: n.waiver.owner, expires: n.waiver.expires },
      };
    }),
  ];
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "netpol-drift", version: VERSION, semanticVersion: VERSION, rules } },
        results,
        invocations: [{ executionSuccessful: r.problems.length === 0 }],
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
