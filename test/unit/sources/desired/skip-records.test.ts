import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultNormalizeOptions, type DesiredState } from "../../../../src/model/types.js";
import { normalizerFor } from "../../../../src/core/normalizer.js";
import { loadDesiredWith } from "../../../../src/sources/desired/index.js";

const loadDesired = (root: string, opts: { skip?: string[] } = {}) =>
  loadDesiredWith(root, normalizerFor(defaultNormalizeOptions()), opts);
import { link, policyYaml, tempTree } from "../../../fixtures/temp-tree.js";

// A change record is JSON or YAML without apiVersion/kind: were it read, it would be a skipped file at best and,
// for a YAML record that looks like a broken policy, a problem that withholds every verdict of its namespace.
const record = "kind: NetworkPolicy\nfingerprint: abc\nitems: [1, 2]\n";
const keys = (s: DesiredState) => s.policies.map((p) => `${p.namespace}/${p.name}`).sort();

describe("desired loader: the records folder is never read", () => {
  it("skips the folder named in `skip`, inside the desired root, and nothing else", async () => {
    const root = await tempTree({
      "shop/web.yaml": policyYaml("web"),
      "change-records/prod/0001-x-new.yaml": record,
      "change-records-2/shop/api.yaml": policyYaml("api", { namespace: "shop" }),
    });
    const skipped = await loadDesired(root, { skip: [path.join(root, "change-records")] });
    expect(skipped.problems).toEqual([]);
    expect(skipped.skipped).toEqual([]);
    expect(keys(skipped)).toEqual(["shop/api", "shop/web"]);

    // Without the option the same record is read, and its broken header is a problem: the test can fail.
    const read = await loadDesired(root);
    expect(read.problems.map((p) => p.file)).toEqual(["change-records/prod/0001-x-new.yaml"]);
  });

  it("skips it when it is reached through a symlink too", async () => {
    const outside = await tempTree({ "prod/0001.yaml": record });
    const root = await tempTree({ "shop/web.yaml": policyYaml("web") });
    await link(root, "records", outside);
    const s = await loadDesired(root, { skip: [outside] });
    expect(s.problems).toEqual([]);
    expect(keys(s)).toEqual(["shop/web"]);
  });

  it("takes a nested records folder, and one given relative to the working directory", async () => {
    const root = await tempTree({
      "shop/web.yaml": policyYaml("web"),
      "ops/records/prod/0001.yaml": record,
      "ops/other.yaml": policyYaml("other", { namespace: "ops" }),
    });
    const rel = path.relative(process.cwd(), path.join(root, "ops/records"));
    const s = await loadDesired(root, { skip: [rel] });
    expect(s.problems).toEqual([]);
    expect(keys(s)).toEqual(["ops/other", "shop/web"]);
  });
});
