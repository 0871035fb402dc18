import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonReport, netpolDrift, ROOT } from "./helpers/cli.js";
import { applyFolders, prefixedCopy } from "./helpers/namespaces.js";
import { desiredFromFixtures, envtest, nsFlags } from "./helpers/setup.js";

// The proof of the normalisation rules: what a real API server stores and returns for manifests applied as
// people apply them must compare equal to the desired files — client-side apply and server-side apply.
const FIXTURES = path.join(ROOT, "test/e2e/fixtures/equivalent");

describe("no false positives against a real API server", () => {
  const { env, k } = envtest();

  describe("the bundled desired/ folder, applied with kubectl apply", () => {
    let copy: { root: string; namespaces: string[] };
    beforeAll(async () => {
      copy = await prefixedCopy(path.join(ROOT, "desired"), "nfp");
      await applyFolders(k, copy.root, copy.namespaces);
    });

    it("reports every policy in sync and exits 0", async () => {
      const result = await netpolDrift([
        "report",
        "--desired",
        copy.root,
        "--kubeconfig",
        env.adminKubeconfig,
        ...nsFlags(copy.namespaces),
        "-o",
        "json",
      ]);
      const report = jsonReport(result);
      expect(report.drift).toEqual([]);
      expect(report.complete).toBe(true);
      expect(report.summary.desired).toBeGreaterThan(15);
      expect(report.summary.inSync).toBe(report.summary.desired);
      expect(report.summary.live).toBe(report.summary.desired);
      expect(result.code).toBe(0);
    });
  });

  describe("tricky-but-equivalent manifests", () => {
    const csa = ["eq-csa-a", "eq-csa-b"];
    const ssa = ["eq-ssa-a"];
    let desiredRoot: string;
    beforeAll(async () => {
      const applied = await desiredFromFixtures(path.join(FIXTURES, "applied"), [...csa, ...ssa]);
      await applyFolders(k, applied, csa);
      await applyFolders(k, applied, ssa, ["--server-side", "--field-manager", "e2e-ssa"]);
      desiredRoot = await desiredFromFixtures(path.join(FIXTURES, "desired"), [...csa, ...ssa]);
    });

    it("compares equal after both client-side and server-side apply", async () => {
      const result = await netpolDrift([
        "report",
        "--desired",
        desiredRoot,
        "--kubeconfig",
        env.adminKubeconfig,
        ...nsFlags([...csa, ...ssa]),
        "-o",
        "json",
      ]);
      const report = jsonReport(result);
      expect(report.drift).toEqual([]);
      expect(report.problems).toEqual([]);
      expect(report.summary).toMatchObject({
        desired: 27,
        live: 27,
        inSync: 27,
        missing: 0,
        unmanaged: 0,
        modified: 0,
      });
      expect(result.code).toBe(0);
    });

    it("finds the same in pages of 2 per namespace", async () => {
      const result = await netpolDrift([
        "report",
        "--desired",
        desiredRoot,
        "--kubeconfig",
        env.adminKubeconfig,
        ...nsFlags([...csa, ...ssa]),
        "--page-size",
        "2",
        "-o",
        "json",
      ]);
      const report = jsonReport(result);
      expect(report.drift).toEqual([]);
      expect(report.summary.inSync).toBe(27);
      // 9 policies a namespace in pages of 2: 5 list requests each
      expect(report.sources.requests).toBe(15);
      expect(result.code).toBe(0);
    });
  });
});
