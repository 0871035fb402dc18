// The data path of `report` and the nightly `run`, as one pure function: raw desired objects and the live list
// (or why it failed) → normalise both with the one normaliser → compare → analyse → the Report. No I/O, no
// clock: the worker gathers the inputs (sources/) and carries the report out (render/, sinks/).
import { defaultAnalysisOptions, type AnalysisOptions } from "../analyse/types.js";
import { analyseForReport } from "../analyse/report.js";
import { compareWithRules } from "../compare/with-rules.js";
import { shareInSync } from "../compare/same.js";
import { inScope, type Scope } from "../compare/scope.js";
import type { Outcome } from "../model/outcome.js";
import type { DesiredInput, LiveInput, RawDesired } from "../model/sources.js";
import { noRules, type Rules, type RulesOutcome } from "../model/rules.js";
import type { DesiredState, NormalizedPolicy, Problem, Report } from "../model/types.js";
import type { Workloads } from "../model/workloads.js";
import type { Normalizer } from "./normalizer.js";

export interface DetectInputs {
  /**
   * Raw objects (handed over: each is dropped from `objects` once normalised, so the two never both stay), or
   * policies the desired source normalised as it read them with this same normaliser.
   */
  desired: DesiredInput;
  live: LiveInput;
  /**
   * Settings of the traffic analysis and, when read, the workloads; defaults and representatives otherwise.
   * `problems`: reading the settings or the workloads failed. The analysis still runs (on defaults or
   * representatives, which the report's notes say) but the report is incomplete: a verdict asked for on real
   * pods must not pass for one.
   */
  analysis?: { options: AnalysisOptions; workloads?: Workloads; problems?: Problem[] };
  /**
   * The rules file (ignore rules, the unmanaged allow-list, waivers), read by the worker; absent = none.
   * `problems`: what in it could not be read; they make the report incomplete, the rules that could be read apply.
   */
  rules?: { rules: Rules; problems: Problem[] };
  scope: Scope;
  /** The same normaliser the live source was given: both sides through one. */
  normalize: Normalizer;
  /** How the report names things; decided by the caller, never patched into the report afterwards. */
  naming: {
    /** `sources.desired`: the folder, or where the nightly run's clone came from. */
    desired: string;
    /** The cluster's name; default: what the live source said (its kubeconfig cluster, the capture). */
    cluster?: string;
    generatedAt: string;
  };
}

/** Pure: both sides → the report. A failed live list yields an incomplete report with no verdicts at all. */
export function detect(inputs: DetectInputs): Report {
  const { desired } = inputs;
  return reportOf("objects" in desired ? normalizeDesired(desired, inputs.normalize) : desired, inputs);
}

/** kubectl diff's contract, as an Outcome: in sync, drift, or incomplete (cli/exit-code.ts makes it 0/1/2). */
export function reportOutcome(report: Report): Outcome {
  if (!report.complete) return "incomplete";
  return report.drift.length > 0 ? "findings" : "clean";
}

/** The desired objects through the normaliser, each raw object released as soon as it is normalised. */
export function normalizeDesired(desired: RawDesired, normalize: Normalizer): DesiredState {
  const policies: NormalizedPolicy[] = [];
  const objects = desired.objects;
  for (let i = 0; i < objects.length; i++) {
    const found = objects[i]!;
    policies.push(normalize(found.raw, { namespace: found.namespace, origin: found.origin }));
    objects[i] = RELEASED;
  }
  return { policies, skipped: desired.skipped, problems: desired.problems };
}

const RELEASED = { raw: {}, namespace: "", origin: {} };

/** detect, for a desired state that has been through `inputs.normalize` already (tests build such states). */
export function reportOf(desired: DesiredState, inputs: Omit<DetectInputs, "desired">): Report {
  const { live, scope: stated, naming } = inputs;
  const desiredPolicies = desired.policies.filter((p) => inScope(p.namespace, stated));
  const problems = desired.problems.filter((p) => !p.namespace || p.namespace === "*" || inScope(p.namespace, stated));
  const inputProblems = inputs.analysis?.problems ?? [];
  // A rules file that could not be read is a problem like a broken desired file: the report is incomplete.
  const ruleProblems = inputs.rules?.problems ?? [];
  const coverage = "problem" in live ? undefined : live.coverage;
  const covers = coverage?.covers ?? (stated.namespaces.length > 0 ? [...stated.namespaces] : ["*"]);
  const base = {
    skipped: desired.skipped,
    generatedAt: naming.generatedAt,
    cluster: naming.cluster || live.cluster || "",
    sources: {
      desired: naming.desired,
      live: live.origin,
      requests: "requests" in live ? live.requests : 0,
      ...(inputs.analysis?.workloads ? { workloads: inputs.analysis.workloads.origin } : {}),
      liveNamespaces: covers,
    },
    ...(coverage && coverage.notes.length > 0 ? { notes: coverage.notes } : {}),
  };
  const listed =
    "policies" in live ? live.policies : "objects" in live ? live.objects.map((o) => inputs.normalize(o)) : undefined;
  if (!listed || coverage?.problem) {
    return {
      ...base,
      complete: false,
      summary: { desired: desiredPolicies.length, live: 0, inSync: 0, missing: 0, unmanaged: 0, modified: 0 },
      drift: [],
      problems: [
        ...problems,
        ...("problem" in live ? [live.problem] : []),
        ...(coverage?.problem ? [coverage.problem] : []),
        ...inputProblems,
        ...ruleProblems,
      ],
      withheld: ["*"],
    };
  }
  const livePolicies = shareInSync(
    desiredPolicies,
    listed.filter((p) => inScope(p.namespace, stated)),
  );
  const rules = inputs.rules?.rules ?? noRules();
  const result = compareWithRules(desiredPolicies, livePolicies, problems, rules, new Date(naming.generatedAt));
  const analysed = analyseForReport({
    desired: result.analysis.desired,
    live: result.analysis.live,
    context: desired.policies.filter((p) => !inScope(p.namespace, stated)),
    namespaces: [...new Set(result.drift.map((d) => d.namespace))],
    withheld: result.withheld,
    workloads: inputs.analysis?.workloads,
    options: inputs.analysis?.options ?? defaultAnalysisOptions(),
  });
  const all = [...problems, ...inputProblems, ...ruleProblems];
  const notes =
    inputProblems.length > 0
      ? [
          ...analysed.analysis.notes,
          "the analysis inputs could not all be read (see problems): effects and violations rest on what was read",
        ]
      : analysed.analysis.notes;
  const analysis = { ...analysed.analysis, notes };
  // `--analysis off`: no effects and no violations in the report, rather than empty lists that read "none".
  const carried =
    analysis.level === "off" ? { analysis } : { effects: analysed.effects, violations: analysed.violations, analysis };
  return {
    ...base,
    complete: all.length === 0,
    summary: result.summary,
    drift: result.drift,
    ...(result.rules ? { waived: result.rules.waived, rules: rulesField(result.rules) } : {}),
    problems: all,
    withheld: result.withheld,
    ...carried,
  };
}

function rulesField({ waived: _, ...rest }: RulesOutcome): Report["rules"] {
  return rest;
}
