import { afterAll, beforeAll, expect } from "vitest";
import { parseChangelog } from "../../../src/render/nightly/changelog.js";
import type { CliResult } from "./cli.js";
import { envtest } from "./setup.js";
import {
  CHANGELOG,
  DESIRED_PATH,
  type LoopWorld,
  lastEntry,
  makeDrift,
  makeLoopWorld,
  readerKubeconfig,
  revertBlock,
} from "./nightly-loop.js";

// For nightly-loop.test.ts: one drifted world per describe, and what every loop's first night must show,
// whichever way the loop then closes.

let reader: Promise<string> | undefined;

/** A world for one describe, drifted (makeDrift) before its tests and closed after them; `set` receives it. */
export function driftedWorld(
  prefix: string,
  forge: "github" | "gitlab",
  set: (w: LoopWorld) => void,
  rename?: Record<string, string>,
): void {
  const { env, k } = envtest();
  let world: LoopWorld | undefined;
  beforeAll(async () => {
    reader ??= readerKubeconfig(env, k);
    world = await makeLoopWorld({ env, k, prefix, forge, reader: await reader, ...(rename ? { rename } : {}) });
    set(world);
    await makeDrift(k, prefix);
  });
  afterAll(async () => {
    await world?.close();
  });
}

/** A run that did its job: exit 0 and no error in its log. */
export function expectClean(night: CliResult): void {
  expect(night.stderr, "no error logged").not.toMatch(/"level":50/);
  expect(night.code, night.stderr).toBe(0);
}

export const driftOf = (w: LoopWorld, name: string) =>
  (w.record(name).drift as { state: string; namespace: string; name: string }[]).map(
    (d) => `${d.state} ${d.namespace}/${d.name}`,
  );

export const expectedDrift = (p: string) => [
  `modified ${p}-stratmaster/api-to-postgres`,
  `modified ${p}-stratmaster/mcp-research-egress`,
  `unmanaged ${p}-stratmaster/debug-allow-all`,
  `missing ${p}-temporal/api-to-temporal`,
];

/** Night 1, the same whichever way the loop closes: the drift recorded, the PR/MR opened with the commands. */
export async function firstNight(w: LoopWorld, prefix: string): Promise<{ commands: string[]; body: string }> {
  const before = await w.liveVersions();
  expect(before).toHaveLength(21);
  expectClean(await w.run());
  expect(await w.liveVersions(), "the run wrote nothing to the cluster").toEqual(before);
  const [first, ...more] = w.records();
  expect(more).toEqual([]);
  expect(first).toMatch(/^0001-\d{8}T\d{6}Z-new\.json$/);
  const json = w.record(first as string);
  expect(json.record.kind).toBe("new");
  expect([...driftOf(w, first as string)].sort()).toEqual([...expectedDrift(prefix)].sort());
  expect(parseChangelog(w.bare.show(w.branch, CHANGELOG) ?? "").map((e) => e.kind)).toEqual(["new"]);
  expect(lastEntry(w.bare, w.branch)).toContain("drift detected, 4 policies");

  const commands = json.record.revert ?? [];
  const ns = (n: string) => `${prefix}-${n}`;
  // One step per drifted policy: the file applied (from the repository root), a document on stdin when its
  // file holds another policy too, the hand-added label patched away, the unmanaged one deleted.
  const apply = "kubectl apply --server-side --force-conflicts --field-manager=netpol-drift-revert";
  expect(commands).toEqual(
    expect.arrayContaining([
      `${apply} -n ${ns("stratmaster")} -f ${DESIRED_PATH}/${ns("stratmaster")}/api-to-postgres.yaml`,
      `${apply} -n ${ns("temporal")} -f ${DESIRED_PATH}/${ns("temporal")}/api-to-temporal.yaml`,
      expect.stringMatching(new RegExp(`^${apply} -n ${ns("stratmaster")} -f - <<'NETPOL_DRIFT_EOF'\\n`)),
      expect.stringMatching(/^kubectl patch networkpolicy .*mcp-research-egress .*"hand":null/),
      `kubectl delete networkpolicy -n ${ns("stratmaster")} debug-allow-all`,
    ]),
  );
  expect(commands).toHaveLength(5);

  const crs = w.changeRequests();
  expect(crs.map((c) => [c.number, c.state])).toEqual([[1, "open"]]);
  const body = crs[0]?.body ?? "";
  expect(body).toContain("**Merging accepts:**");
  expect(body).toContain("from the root of a checkout of `main`");
  // The PR says exactly what the record says, so what a person copies is what the record keeps.
  expect(revertBlock(body)).toBe(commands.join("\n"));

  // The digest: which cluster, what drifted and by whom, and the way to the PR/MR.
  expect(w.slack.messages).toHaveLength(1);
  const digest = JSON.stringify(w.slack.messages[0]);
  expect(w.slack.messages[0]?.text).toBe(
    `NetworkPolicy drift detected in ${w.cluster}: 4 drifted (2 modified, 1 missing, 1 unmanaged).`,
  );
  expect(digest).toMatch(/\/(pull|-\/merge_requests)\/1\|/);
  expect(digest).toContain("`debug-allow-all` unmanaged (live, not in git) — by e2e-creator");
  return { commands, body };
}
