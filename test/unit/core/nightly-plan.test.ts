import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fingerprint } from "../../../src/core/fingerprint.js";
import { planNightly } from "../../../src/core/nightly-plan.js";
import { parseRecordJson } from "../../../src/core/records.js";
import type { BranchState, Delivery, NightlyPlan, NightlySettings, RecordMeta } from "../../../src/model/nightly.js";
import { defaultNormalizeOptions, type DriftItem, type Report } from "../../../src/model/types.js";
import { normalizePolicy } from "../../../src/normalize/index.js";
import { buildReport } from "../../helpers/report.js";

// planNightly as a table, the gitops-engine way: (report, branch tip, settings) → the plan, as plain data. No
// git, no HTTP; the worlds in test/unit/workers/nightly prove that the worker carries a plan out.

const NOW = new Date("2025-06-02T02:30:00Z");
const item = (name: string, state: DriftItem["state"], hash: string): DriftItem => ({
  state,
  namespace: "shop",
  name,
  changes: state === "modified" ? [{ path: "spec.ingress[0].ports[0].port", desired: 80, live: 81 }] : [],
  diff: `--- ${name}\n`,
  hash,
});
const A = [item("api", "modified", "a1")];
const B = [item("api", "modified", "a2"), item("debug", "unmanaged", "d1")];

function report(drift: DriftItem[], complete = true): Report {
  return {
    complete,
    summary: { desired: 2, live: 2, inSync: 2 - drift.length, missing: 0, unmanaged: 0, modified: drift.length },
    drift,
    skipped: [],
    problems: complete ? [] : [{ call: "GET /apis/networking.k8s.io/v1/networkpolicies", message: "503" }],
    generatedAt: NOW.toISOString(),
    cluster: "prod",
    withheld: complete ? [] : ["*"],
    sources: { desired: "repo main:ops", live: "cluster", requests: 1 },
  };
}

const WAIVER = { rule: ".netpol-drift.yaml:2", reason: "INC-4711", owner: "platform-team", expires: "2025-06-01" };
/** Today's report when an active waiver covers `drift`: no drift, the items under `waived`. */
function waivedReport(drift: DriftItem[]): Report {
  return { ...report([]), waived: drift.map((d) => ({ ...d, waiver: { ...WAIVER, expires: "2025-12-31" } })) };
}
const expired = (drift: DriftItem[]): DriftItem[] => drift.map((d) => ({ ...d, waiverExpired: WAIVER }));

function tip(kind: RecordMeta["kind"], drift: DriftItem[], delivery: Delivery = {}, changelog?: string): BranchState {
  const meta: RecordMeta = {
    schema: 1,
    cluster: "prod",
    kind,
    fingerprint: fingerprint(kind === "resolved" ? [] : drift),
    fingerprintVersion: 2,
    sequence: 3,
    createdAt: "2025-06-01T02:30:00.000Z",
    markdown: `ops/change-records/prod/0003-20250601T023000Z-${kind}.md`,
    delivery,
  };
  return {
    record: { meta, report: report(kind === "resolved" ? [] : drift), jsonPath: meta.markdown.replace(/md$/, "json") },
    ...(changelog !== undefined ? { changelog } : {}),
  };
}

const PR = { body: { chars: 65_536 }, comment: { chars: 65_536 }, title: 256 };
const settings = (over: Partial<NightlySettings> = {}): NightlySettings => ({
  cluster: "prod",
  branch: "main",
  push: "pr",
  recordsDir: "ops/change-records",
  changelog: "ops/CHANGELOG.md",
  notify: "changes",
  changeRequest: PR,
  digest: true,
  ...over,
});
const DONE: Delivery = { changeRequest: { id: 7, url: "https://github.test/acme/p/pull/7" }, slack: { sentAt: "t" } };

/** The plan reduced to what a reader checks: kind, files written, the PR/MR step, the digest. */
function shape(p: NightlyPlan) {
  return {
    kind: p.kind,
    branch: p.branch,
    files: p.commit?.files.map((f) => f.path.replace(/\d{8}T\d{6}Z/, "T")),
    changeRequest: p.changeRequest?.op,
    digest: p.digest?.kind,
  };
}

const REC = (n: string, kind: string) => [
  `ops/change-records/prod/${n}-T-${kind}.md`,
  `ops/change-records/prod/${n}-T-${kind}.json`,
  "ops/CHANGELOG.md",
];

const rows: [string, Report, BranchState, NightlySettings, ReturnType<typeof shape>][] = [
  [
    "new drift, no record yet",
    report(A),
    {},
    settings(),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0001", "new"), changeRequest: "upsert", digest: "new" },
  ],
  [
    "identical drift, everything delivered: nothing",
    report(A),
    tip("new", A, DONE),
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: undefined },
  ],
  [
    "changed drift: a record, the PR updated, a digest",
    report(B),
    tip("new", A, DONE),
    settings(),
    {
      kind: "changed",
      branch: "netpol-drift/prod",
      files: REC("0004", "changed"),
      changeRequest: "upsert",
      digest: "changed",
    },
  ],
  [
    "resolved: the PR closed, a digest",
    report([]),
    tip("changed", A, DONE),
    settings(),
    {
      kind: "resolved",
      branch: "netpol-drift/prod",
      files: REC("0004", "resolved"),
      changeRequest: "close",
      digest: "resolved",
    },
  ],
  [
    "resolved and closed already: nothing",
    report([]),
    tip("resolved", [], { changeRequest: { closed: true }, slack: { sentAt: "t" } }),
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: undefined },
  ],
  [
    "drift back after a resolution: new",
    report(A),
    tip("resolved", [], { changeRequest: { closed: true } }),
    settings(),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0004", "new"), changeRequest: "upsert", digest: "new" },
  ],
  [
    "never drifted: nothing",
    report([]),
    {},
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: undefined },
  ],
  [
    "only waived drift, never recorded: nothing (a waiver is not drift)",
    waivedReport(A),
    {},
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: undefined },
  ],
  [
    "recorded drift now waived: resolved by the waiver, the PR closed",
    waivedReport(A),
    tip("new", A, DONE),
    settings(),
    {
      kind: "resolved",
      branch: "netpol-drift/prod",
      files: REC("0004", "resolved"),
      changeRequest: "close",
      digest: "resolved",
    },
  ],
  [
    "a waiver expired: drift again, a new record after the resolution",
    report(expired(A)),
    tip("resolved", [], { changeRequest: { closed: true }, slack: { sentAt: "t" } }),
    settings(),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0004", "new"), changeRequest: "upsert", digest: "new" },
  ],
  [
    "a PR a human closed: not reopened, no digest again",
    report(A),
    tip("new", A, DONE),
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: undefined },
  ],
  [
    "Slack failed, then a re-run: the digest again, nothing else",
    report(A),
    tip("new", A, { changeRequest: DONE.changeRequest }),
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: "new" },
  ],
  [
    "crash after the record push: the PR and the digest, no second record",
    report(A),
    tip("new", A),
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: "upsert", digest: "new" },
  ],
  [
    "delivery recorded but the record gone from the branch: recorded again",
    report(A),
    { changelog: "# log\n" },
    settings(),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0001", "new"), changeRequest: "upsert", digest: "new" },
  ],
  [
    "notify=never: the record and the PR, no digest",
    report(A),
    {},
    settings({ notify: "never" }),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0001", "new"), changeRequest: "upsert", digest: undefined },
  ],
  [
    "notify=always, unchanged drift: an 'unchanged' digest",
    report(A),
    tip("new", A, DONE),
    settings({ notify: "always" }),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: "unchanged" },
  ],
  [
    "notify=always, never drifted: an 'unchanged' digest",
    report([]),
    {},
    settings({ notify: "always" }),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: "unchanged" },
  ],
  [
    "direct mode: onto main, no change request",
    report(A),
    {},
    settings({ push: "direct" }),
    { kind: "new", branch: "main", files: REC("0001", "new"), changeRequest: undefined, digest: "new" },
  ],
  [
    "PR mode without a forge: no change request",
    report(A),
    {},
    settings({ changeRequest: undefined }),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0001", "new"), changeRequest: undefined, digest: "new" },
  ],
  [
    "no notifier: no digest",
    report(A),
    {},
    settings({ digest: false }),
    { kind: "new", branch: "netpol-drift/prod", files: REC("0001", "new"), changeRequest: "upsert", digest: undefined },
  ],
  [
    "an incomplete report: nothing at all, never 'resolved'",
    report([], false),
    tip("new", A),
    settings(),
    { kind: undefined, branch: "netpol-drift/prod", files: undefined, changeRequest: undefined, digest: undefined },
  ],
];

describe("planNightly", () => {
  it.each(rows)("%s", (_name, r, t, s, expected) => {
    expect(shape(planNightly(r, t, s, NOW))).toEqual(expected);
  });

  it("the texts come with the plan: commit message, CHANGELOG appended once, PR title and body within the limit", () => {
    const p = planNightly(
      report(B),
      tip("new", A, DONE, "# log\n"),
      settings({ changeRequest: { ...PR, body: { chars: 2_000 } } }),
      NOW,
    );
    expect(p.commit?.message).toMatch(/^netpol-drift: prod drift changed \(2 policies, [0-9a-f]{12}\)/);
    const changelog = p.commit?.files.find((f) => f.path === "ops/CHANGELOG.md")?.text ?? "";
    expect(changelog.startsWith("# log\n")).toBe(true);
    expect(changelog).toContain("kind=changed");
    expect(p.changeRequest).toMatchObject({
      op: "upsert",
      branch: "netpol-drift/prod",
      base: "main",
      title: "NetworkPolicy drift on prod: 2 policies",
    });
    expect(p.changeRequest?.op === "upsert" && p.changeRequest.body.length).toBeLessThanOrEqual(2_000);
    expect(p.digest?.prUrl).toBeUndefined(); // a new record's PR URL comes from the upsert itself (deliverPlan)
    expect(p.record?.meta).toMatchObject({
      kind: "changed",
      sequence: 4,
      fingerprintVersion: 2,
      previousFingerprint: tip("new", A).record?.meta.fingerprint,
    });
  });

  it("waivers in the texts: resolved by a waiver says until when and by whom; an expired one says so", () => {
    const waived = planNightly(waivedReport(A), tip("new", A, DONE, "# log\n"), settings(), NOW);
    const log = waived.commit?.files.find((f) => f.path === "ops/CHANGELOG.md")?.text ?? "";
    expect(log).toContain("`shop/api` waived until 2025-12-31 by platform-team: INC-4711");
    expect(waived.changeRequest?.op === "close" && waived.changeRequest.comment).toContain(
      "waived until 2025-12-31 by platform-team",
    );
    const lapsed = planNightly(report(expired(A)), {}, settings(), NOW);
    const entry = lapsed.commit?.files.find((f) => f.path === "ops/CHANGELOG.md")?.text ?? "";
    expect(entry).toContain("waiver expired on 2025-06-01");
    expect(lapsed.digest?.namespaces[0]?.items[0]?.waiverExpired).toBe("2025-06-01");
    expect(lapsed.changeRequest?.op === "upsert" && lapsed.changeRequest.body).toContain(
      "waiver expired on 2025-06-01",
    );
  });

  it("accept = merge: PR mode writes the edits under the desired path, direct mode never; a merged resolution is not closed", () => {
    const accept = {
      desiredPath: "ops",
      edits: [
        { path: "shop/api.yaml", text: "kind: NetworkPolicy\n" },
        { path: "shop/old.yaml", text: null },
      ],
      refused: [],
      steps: [],
    };
    const pr = planNightly(report(A), {}, settings(), NOW, accept);
    expect(pr.commit?.files.filter((f) => !f.path.includes("change-records") && f.path !== "ops/CHANGELOG.md")).toEqual(
      [
        { path: "ops/shop/api.yaml", text: "kind: NetworkPolicy\n" },
        { path: "ops/shop/old.yaml", text: null },
      ],
    );
    expect(pr.record?.meta.accept?.files.map((f) => f.path)).toEqual(["ops/shop/api.yaml", "ops/shop/old.yaml"]);
    const direct = planNightly(report(A), {}, settings({ push: "direct" }), NOW, accept);
    expect(direct.commit?.files.some((f) => f.path.startsWith("ops/shop/"))).toBe(false);

    const accepted = pr.record?.meta.accept;
    const last = tip("new", A, DONE);
    const meta = { ...(last.record?.meta as RecordMeta), ...(accepted ? { accept: accepted } : {}) };
    const onBase = new Map<string, string | null>([
      ["ops/shop/api.yaml", "kind: NetworkPolicy\n"],
      ["ops/shop/old.yaml", null],
    ]);
    const merged = planNightly(
      report([]),
      { ...last, record: { ...last.record!, meta }, base: onBase },
      settings(),
      NOW,
    );
    expect(merged.kind).toBe("resolved");
    expect(merged.changeRequest).toBeUndefined();
    expect(merged.commit?.files.find((f) => f.path === "ops/CHANGELOG.md")?.text).toContain(
      "accepted in #7 by the merge",
    );
    const unmerged = new Map<string, string | null>([
      ["ops/shop/api.yaml", "kind: NetworkPolicy # git's\n"],
      ["ops/shop/old.yaml", "kind: NetworkPolicy # old\n"],
    ]);
    const reverted = planNightly(
      report([]),
      { ...last, record: { ...last.record!, meta }, base: unmerged },
      settings(),
      NOW,
    );
    expect(reverted.changeRequest?.op).toBe("close");
    const entry = reverted.commit?.files.find((f) => f.path === "ops/CHANGELOG.md")?.text ?? "";
    expect(entry).toContain("reverted in the cluster");
    expect(entry).not.toContain("accepted");
  });

  it("the same drift under a new diff text is not news: the fingerprint hashes the objects, not the presentation", () => {
    const restyled = A.map((d) => ({ ...d, diff: "--- reformatted by a newer yaml library\n" }));
    expect(planNightly(report(restyled), tip("new", A, DONE), settings(), NOW).kind).toBeUndefined();
    expect(planNightly(report([{ ...A[0]!, hash: "other object" }]), tip("new", A, DONE), settings(), NOW).kind).toBe(
      "changed",
    );
  });
});

describe("the first run after the fingerprint upgrade", () => {
  // Written by the code before fingerprint version 2 (which hashed the unified diff); see test/fixtures/records.
  const file = "test/fixtures/records/legacy-0001-new.json";
  const legacy = parseRecordJson(readFileSync(file, "utf8"), file);
  const inputs = JSON.parse(readFileSync("test/fixtures/records/legacy-inputs.json", "utf8"));
  const today = (live: Record<string, unknown>[]) => {
    const opts = defaultNormalizeOptions();
    const desired = inputs.desired.map((d: { metadata: { name: string } }) =>
      normalizePolicy(d, "shop", { file: `shop/${d.metadata.name}.yaml`, line: 1 }, opts),
    );
    return buildReport(
      { policies: desired, skipped: [], problems: [] },
      { objects: live, cluster: "prod-eu", origin: "test", requests: 1 },
      {
        scope: { namespaces: [], exclude: [] },
        normalize: opts,
        desiredRoot: "desired",
        generatedAt: NOW.toISOString(),
      },
    );
  };
  const state: BranchState = { record: { ...legacy, jsonPath: file } };
  const s = settings({ cluster: "prod-eu" });

  it("recognises unchanged drift in a record without fingerprintVersion: nothing announced", () => {
    expect(legacy.meta.fingerprintVersion).toBeUndefined();
    const r = today(inputs.live);
    expect(fingerprint(r.drift)).not.toBe(legacy.meta.fingerprint); // the new key differs …
    expect(shape(planNightly(r, state, s, NOW))).toMatchObject({ kind: undefined, files: undefined }); // … and it is still the same drift
  });

  it("drift that did change is news, recorded with the new fingerprint from then on", () => {
    const live = [...inputs.live, { ...inputs.live[1], metadata: { name: "debug-2", namespace: "shop" } }];
    const p = planNightly(today(live), state, s, NOW);
    expect(p.kind).toBe("changed");
    expect(p.record?.meta).toMatchObject({ fingerprintVersion: 2, previousFingerprint: legacy.meta.fingerprint });
  });
});
