import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { kustomizeEdits } from "../../../src/core/accept-kustomize.js";
import { serverPolicy } from "../../fixtures/server-shaped.js";
import { type Files, ingressSpec, policyText, roundTrip } from "./accept-world.js";

// A kustomize-built desired folder applies only what its kustomizations list: accepted new files must be
// listed, deleted ones unlisted, or the merge adds a file nothing applies or breaks `kustomize build`.

const k = (files: Files) => new Map(Object.entries(files));
const resources = (text: string | undefined) => parse(text ?? "")?.resources;

describe("kustomizeEdits", () => {
  it("lists a new file in its folder's kustomization, keeping comments and the rest as written", () => {
    const text =
      "# team A\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - default-deny.yaml # always first\n  - web.yaml\n";
    const { edits, refused } = kustomizeEdits(["team-a/hotfix.yaml"], [], k({ "team-a/kustomization.yaml": text }));
    expect(refused).toEqual([]);
    expect(edits).toEqual([{ path: "team-a/kustomization.yaml", text: `${text}  - hotfix.yaml\n` }]);
  });

  it("a new namespace folder without one: the closest kustomization above lists the file by its relative path", () => {
    const root = "resources:\n- team-a\n";
    const { edits } = kustomizeEdits(
      ["team-b/hotfix.yaml"],
      [],
      k({ "kustomization.yaml": root, "team-a/kustomization.yaml": "resources:\n- x.yaml\n" }),
    );
    expect(edits).toHaveLength(1);
    expect(resources(edits[0]?.text)).toEqual(["team-a", "team-b/hotfix.yaml"]);
  });

  it("unlists a deleted file, however the entry spells it; nothing for files it never listed", () => {
    const text = "resources:\n  - ./old.yaml\n  - web.yaml\n";
    const { edits } = kustomizeEdits([], ["ns/old.yaml", "ns/never-listed.yaml"], k({ "ns/kustomization.yml": text }));
    expect(edits).toEqual([{ path: "ns/kustomization.yml", text: "resources:\n  - web.yaml\n" }]);
  });

  it("adds nothing that is already covered: listed, or inside a listed folder", () => {
    const files = k({ "kustomization.yaml": "resources:\n  - team-a/\n  - b/x.yaml\n" });
    expect(kustomizeEdits(["team-a/sub/new.yaml", "b/x.yaml"], [], files).edits).toEqual([]);
  });

  it("creates `resources` when the kustomization has none; a folder without any kustomization needs nothing", () => {
    const { edits } = kustomizeEdits(["ns/a.yaml"], [], k({ "ns/Kustomization": "namespace: ns\n" }));
    expect(resources(edits[0]?.text)).toEqual(["a.yaml"]);
    expect(kustomizeEdits(["ns/a.yaml"], ["x/y.yaml"], k({})).edits).toEqual([]);
  });

  it("refuses what it cannot edit safely and names the kustomization", () => {
    for (const text of ["resources: [unclosed\n", "- a list\n", "resources: a.yaml\n"]) {
      const { edits, refused } = kustomizeEdits(["ns/a.yaml"], [], k({ "ns/kustomization.yaml": text }));
      expect(edits).toEqual([]);
      expect(refused).toEqual([{ path: "ns/kustomization.yaml", file: "ns/a.yaml" }]);
    }
  });
});

describe("accept in a kustomize-built folder", () => {
  const np = (name: string) =>
    `${policyText(name, "  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n")}`;
  const files: Files = {
    "shop/kustomization.yaml": "resources:\n  - default-deny.yaml\n  - debug.yaml\n",
    "shop/default-deny.yaml": np("default-deny"),
    "shop/debug.yaml": np("debug"),
  };
  const live = [
    serverPolicy("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    serverPolicy("shop", "hotfix", ingressSpec("web", [{ namespaceSelector: {} }])),
  ];

  it("an unmanaged policy is listed, a missing one's file is deleted and unlisted; the folder reads back in sync", async () => {
    const { result, edited, after } = await roundTrip(files, live);
    expect(result.refused).toEqual([]);
    expect(result.edits.map((e) => [e.path, e.text === null])).toEqual([
      ["shop/debug.yaml", true],
      ["shop/hotfix.yaml", false],
      ["shop/kustomization.yaml", false],
    ]);
    expect(resources(edited["shop/kustomization.yaml"])).toEqual(["default-deny.yaml", "hotfix.yaml"]);
    expect(after.drift).toEqual([]);
  });

  it("a kustomization it cannot edit: the policies it lists are refused and their files left alone", async () => {
    const broken = { ...files, "shop/kustomization.yaml": "resources: debug.yaml\n" };
    const { result } = await roundTrip(broken, live);
    expect(result.edits).toEqual([]);
    expect(result.refused.map((r) => [r.name, r.reason, r.file])).toEqual([
      ["hotfix", "kustomization", "shop/kustomization.yaml"],
      ["debug", "kustomization", "shop/kustomization.yaml"],
    ]);
  });
});
