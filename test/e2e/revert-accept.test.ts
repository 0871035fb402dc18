import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { type Document, parseAllDocuments, stringify } from "yaml";
import { compare } from "../../src/compare/compare.js";
import { acceptDrift, acceptItemsOf } from "../../src/core/accept.js";
import { revertSteps } from "../../src/core/revert.js";
import { defaultNormalizeOptions } from "../../src/model/types.js";
import { normalizeLive } from "../helpers/normalize.js";
import { revertCommands } from "../../src/render/nightly/revert.js";
import { YAML_OPTIONS } from "../../src/sources/desired/parse.js";
import { parseCapture } from "../../src/sources/live/file.js";
import { normalisedDesired } from "../unit/core/accept-world.js";
import { ROOT } from "./helpers/cli.js";
import { applyFolders, prefixedCopy } from "./helpers/namespaces.js";
import { envtest } from "./helpers/setup.js";

// Closing the loop on a real kube-apiserver: drift made with real API calls under other field managers, then
// (a) the revert commands run by a real bash with the real kubectl put the cluster back to git, and
// (b) the accept edits written into the desired folder make git say what the cluster says. Either way the next
// comparison finds nothing.
const exec = promisify(execFile);
const normalize = defaultNormalizeOptions();

describe("revert and accept close the loop", () => {
  const { env, k } = envtest();

  async function drift(prefix: string) {
    const copy = await prefixedCopy(path.join(ROOT, "desired"), prefix);
    await applyFolders(k, copy.root, copy.namespaces);
    const ns = (n: string) => `${prefix}-${n}`;
    // Each change by its own field manager: [policy, namespace, manager, patch type, patch].
    const patches: [string, string, string, string, unknown][] = [
      [
        "api-to-postgres",
        "stratmaster",
        "e2e-port",
        "json",
        [{ op: "replace", path: "/spec/egress/0/ports/0/port", value: 5433 }],
      ],
      ["default-deny", "tenant-globex", "e2e-allow-all", "merge", { spec: { ingress: [{}] } }],
      [
        "default-deny",
        "retrieval",
        "e2e-labeler",
        "merge",
        { metadata: { labels: { hand: "on", component: "hand-edited" } } },
      ],
    ];
    for (const [name, n, manager, type, patch] of patches)
      await k([
        "patch",
        "networkpolicy",
        name,
        "-n",
        ns(n),
        `--type=${type}`,
        `--field-manager=${manager}`,
        "-p",
        JSON.stringify(patch),
      ]);
    await k(["delete", "networkpolicy", "api-to-temporal", "-n", ns("temporal")]);
    await k(
      ["create", "--field-manager", "e2e-creator", "-f", "-"],
      JSON.stringify({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "debug-allow-all", namespace: ns("stratmaster"), labels: { team: "yes" } },
        spec: { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] },
      }),
    );
    return copy;
  }

  async function detect(root: string, namespaces: string[]) {
    const desired = await normalisedDesired(root, normalize);
    const lists = await Promise.all(
      namespaces.map((n) => k(["get", "networkpolicy", "-n", n, "-o", "json", "--show-managed-fields"])),
    );
    const live = normalizeLive(
      lists.flatMap((l) => parseCapture(l, "kubectl get")),
      normalize,
    );
    const cmp = compare(desired.policies, live, desired.problems);
    const files = new Map<string, string>();
    for (const p of desired.policies)
      if (p.origin.file) files.set(p.origin.file, await readFile(path.join(root, p.origin.file), "utf8"));
    return { desired, cmp, files, items: acceptItemsOf(cmp.drift, desired.policies, live), problems: desired.problems };
  }

  async function writeEdits(root: string, edits: { path: string; text: string | null }[]) {
    for (const e of edits) {
      const full = path.join(root, e.path);
      if (e.text === null) await rm(full);
      else await writeFile(full, e.text);
    }
  }

  const seen = (d: { state: string; namespace: string; name: string }[]) =>
    d.map((x) => `${x.state} ${x.namespace}/${x.name}`);

  let revert: { before: string[]; after: string[]; commands: string[] };
  let accept: { before: string[]; after: string[]; refused: unknown[]; problems: unknown[]; dryRun: string[] };
  let kustomized: { refused: unknown[]; after: string[]; built: string[]; live: string[]; dryRun: string };

  beforeAll(async () => {
    {
      const copy = await drift("rvt");
      const before = await detect(copy.root, copy.namespaces);
      const commands = revertCommands(
        revertSteps({ items: before.items, files: before.files, desiredDir: "" }, YAML_OPTIONS()),
      );
      for (const c of commands)
        await exec("bash", ["-c", c], {
          cwd: copy.root,
          env: { ...process.env, PATH: `${env.bin}:${process.env.PATH}`, KUBECONFIG: env.adminKubeconfig },
        });
      const after = await detect(copy.root, copy.namespaces);
      revert = { before: seen(before.cmp.drift), after: seen(after.cmp.drift), commands };
    }
    {
      const copy = await drift("acc");
      const before = await detect(copy.root, copy.namespaces);
      const paths = [...before.files.keys()];
      const result = acceptDrift(
        { files: before.files, paths, items: before.items },
        { normalize, yaml: YAML_OPTIONS() },
      );
      await writeEdits(copy.root, result.edits);
      const after = await detect(copy.root, copy.namespaces);
      // What the folder now holds is what the API server takes (the root's Helm values.yaml is no manifest).
      const dryRun: string[] = [];
      for (const n of copy.namespaces)
        dryRun.push(await k(["apply", "--dry-run=server", "-R", "-n", n, "-f", path.join(copy.root, n)]));
      accept = {
        dryRun,
        before: seen(before.cmp.drift),
        after: seen(after.cmp.drift),
        refused: result.refused,
        problems: after.problems,
      };
    }
    {
      // The same, in a folder Argo CD or Flux builds with kustomize: one kustomization per namespace folder.
      const copy = await drift("kus");
      for (const n of copy.namespaces) {
        const listed = (await readdir(path.join(copy.root, n))).filter((f) => /\.ya?ml$/.test(f)).sort();
        await writeFile(path.join(copy.root, n, "kustomization.yaml"), stringify({ resources: listed }));
      }
      const before = await detect(copy.root, copy.namespaces);
      const kustomizations = new Map<string, string>();
      for (const n of copy.namespaces)
        kustomizations.set(
          `${n}/kustomization.yaml`,
          await readFile(path.join(copy.root, n, "kustomization.yaml"), "utf8"),
        );
      const result = acceptDrift(
        {
          files: before.files,
          paths: [...before.files.keys(), ...kustomizations.keys()],
          items: before.items,
          kustomizations,
        },
        { normalize, yaml: YAML_OPTIONS() },
      );
      await writeEdits(copy.root, result.edits);
      const after = await detect(copy.root, copy.namespaces);
      // What kustomize builds from each folder is what the cluster holds, name for name.
      const built: string[] = [];
      let dryRun = "";
      for (const n of copy.namespaces) {
        const out = await k(["kustomize", path.join(copy.root, n)]);
        for (const d of parseAllDocuments(out) as Document[]) {
          const m = (d.toJS() as { metadata?: { namespace?: string; name?: string } } | null)?.metadata;
          if (m) built.push(`${m.namespace ?? n}/${m.name}`);
        }
        dryRun += await k(["apply", "--dry-run=server", "-k", path.join(copy.root, n)]);
      }
      const live = JSON.parse(await k(["get", "networkpolicy", "-A", "-o", "json"])).items.map(
        (o: { metadata: { namespace: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`,
      );
      kustomized = {
        refused: result.refused,
        after: seen(after.cmp.drift),
        built: built.sort(),
        live: live.filter((x: string) => x.startsWith("kus-")).sort(),
        dryRun,
      };
    }
  });

  it("the drift made is the drift seen", () => {
    const expected = (p: string) => [
      `modified ${p}-retrieval/default-deny`,
      `modified ${p}-stratmaster/api-to-postgres`,
      `unmanaged ${p}-stratmaster/debug-allow-all`,
      `missing ${p}-temporal/api-to-temporal`,
      `modified ${p}-tenant-globex/default-deny`,
    ];
    expect(revert.before).toEqual(expected("rvt"));
    expect(accept.before).toEqual(expected("acc"));
  });

  it("running the revert commands puts the cluster back to git", () => {
    expect(revert.commands.some((c) => c.startsWith("kubectl patch"))).toBe(true);
    expect(revert.after).toEqual([]);
  });

  it("writing the accept edits makes git say what the cluster says", () => {
    expect(accept.refused).toEqual([]);
    expect(accept.problems).toEqual([]);
    expect(accept.after).toEqual([]);
    expect(accept.dryRun.join("")).toMatch(/networkpolicy\S*\/debug-allow-all \w+ \(server dry run\)/);
  });

  it("in a kustomize-built folder the accept edits keep every kustomization building exactly the cluster's policies", () => {
    expect(kustomized.refused).toEqual([]);
    expect(kustomized.after).toEqual([]);
    expect(kustomized.built).toEqual(kustomized.live);
    expect(kustomized.built).toContain("kus-stratmaster/debug-allow-all");
    expect(kustomized.built).not.toContain("kus-temporal/api-to-temporal");
    expect(kustomized.dryRun).toMatch(/debug-allow-all \w+ \(server dry run\)/);
  });
});
