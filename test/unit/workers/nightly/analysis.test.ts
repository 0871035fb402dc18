import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseChangelog } from "../../../../src/render/nightly/changelog.js";
import { FakeSlack } from "../../../helpers/fake-slack.js";
import type { Mutation } from "../../../helpers/policy-repo.js";
import { BRANCH, CHANGELOG, makeWorld, recordJson, records, type World } from "../../../helpers/nightly-world.js";

// The nightly run's traffic analysis: settings from the environment, the Helm values read from the clone, and
// the effect shown first in the Slack digest, the PR body and the CHANGELOG.

vi.setConfig({ testTimeout: 180_000 });

let w: World;
let slack: FakeSlack;
beforeEach(async () => {
  w = await makeWorld();
  slack = await FakeSlack.start();
});
afterEach(async () => {
  if (process.env.DEBUG_RUN) console.log(w.logs.join(""));
  expect(slack.violations).toEqual([]);
  await slack.close();
  await w.close();
});

/** By hand, live: tenant-globex's pods may reach the internet on 443. */
const globexToInternet: Mutation = (objects) => [
  ...objects,
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: "allow-internet",
      namespace: "tenant-globex",
      managedFields: [
        {
          manager: "kubectl-create",
          operation: "Update",
          apiVersion: "networking.k8s.io/v1",
          time: "2025-06-01T01:00:00Z",
          fieldsType: "FieldsV1",
          fieldsV1: {},
        },
      ],
    },
    spec: {
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
      policyTypes: ["Egress"],
    },
  },
];

const airGappedViolations = (json: Record<string, any>) =>
  (json.violations as { invariant: string; side: string; namespace: string }[])
    .filter((v) => v.invariant === "air-gapped")
    .map((v) => `${v.side} ${v.namespace}`);

describe("netpol-drift run: analysis settings", () => {
  it("NETPOL_DRIFT_VALUES is read from the cloned repo, relative to its root", async () => {
    // Outside the desired folder, committed after the seed: only the clone has it.
    w.bare.commitFile(
      "main",
      "charts/netpol/values.yaml",
      "tenant:\n  globex:\n    namespace: tenant-globex\n    allow_internet: false\n",
      "chart values",
    );
    expect(
      await w.run(globexToInternet, {
        day: 1,
        env: { NETPOL_DRIFT_VALUES: "charts/netpol/values.yaml", NETPOL_DRIFT_NOTIFY: "never" },
      }),
    ).toBe(0);
    const [first] = records(w);
    expect(airGappedViolations(recordJson(w, first!))).toEqual(["live tenant-globex"]);
  });

  it("without settings the tenant is not known to be air-gapped", async () => {
    expect(await w.run(globexToInternet, { day: 1, env: { NETPOL_DRIFT_NOTIFY: "never" } })).toBe(0);
    expect(airGappedViolations(recordJson(w, records(w)[0]!))).toEqual([]);
  });

  it("NETPOL_DRIFT_AIR_GAPPED and NETPOL_DRIFT_TENANT_PATTERN name it instead", async () => {
    const env = {
      NETPOL_DRIFT_NOTIFY: "never",
      NETPOL_DRIFT_TENANT_PATTERN: "tenant-*",
      NETPOL_DRIFT_AIR_GAPPED: "globex",
    };
    expect(await w.run(globexToInternet, { day: 1, env })).toBe(0);
    expect(airGappedViolations(recordJson(w, records(w)[0]!))).toEqual(["live tenant-globex"]);
  });

  it("a values file missing from the repo: exit 2, nothing recorded, the problem names the file and the setting", async () => {
    expect(await w.run(globexToInternet, { day: 1, env: { NETPOL_DRIFT_VALUES: "charts/none.yaml" } })).toBe(2);
    expect(records(w)).toEqual([]);
    expect(w.bare.branches()).toEqual(["main"]);
    expect(slack.requests).toHaveLength(0);
    const problem = w.logs
      .map((l) => JSON.parse(l) as { msg: string; problem?: { file?: string; message: string } })
      .find((l) => l.msg === "report is incomplete");
    expect(problem?.problem).toEqual({ file: "charts/none.yaml", message: "no such file (NETPOL_DRIFT_VALUES)" });
  });
});

describe("netpol-drift run: the effect comes first in every output", () => {
  it("Slack digest (validated by the fake webhook), PR body and CHANGELOG say WIDENS with the opened flows", async () => {
    expect(await w.run(globexToInternet, { day: 1, env: { NETPOL_DRIFT_SLACK_WEBHOOK: slack.url } })).toBe(0);
    expect(slack.messages).toHaveLength(1);
    const msg = slack.messages[0]!;
    expect(msg.text).toContain("widens traffic in 1 namespace");
    const blocks = msg.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]!.text!.text).toBe(":rotating_light: NetworkPolicy drift — prod-eu");
    const globex = blocks.find((b) => b.type === "section" && b.text!.text.startsWith("*`tenant-globex`*"))!.text!.text;
    expect(globex.split("\n")[0]).toBe("*`tenant-globex`* (1) — :rotating_light: *WIDENS*: 1 flow opened, 0 closed");
    expect(globex.split("\n")[1]).toMatch(/^ {4}\+ opened `ns:tenant-globex\/pod:\* → .*0\.0\.0\.0\/0.* TCP 443`$/);
    expect(globex).toContain("• `allow-internet` unmanaged (live, not in git)");

    const body = w.github.pulls[0]!.body;
    expect(body.indexOf("**Effect: WIDENS")).toBeGreaterThan(-1);
    expect(body.indexOf("**Effect: WIDENS")).toBeLessThan(body.indexOf("allow-internet` — unmanaged"));
    const changelog = w.bare.show(BRANCH, CHANGELOG) ?? "";
    expect(parseChangelog(changelog)).toHaveLength(1);
    expect(changelog).toContain("Effect on traffic: **WIDENS** in `tenant-globex` (1 flow opened, 0 closed).");
  });
});
