// One nightly loop on the real control plane: the repo's desired folder (namespaces prefixed) applied to the
// API server and seeded into a bare repo on loopback, a GitHub or GitLab stand-in and a Slack receiver, and
// `netpol-drift run` as the CronJob runs it: the built CLI, its environment from deploy/configmap.yaml, the
// cluster read with the deploy/ ServiceAccount's token (list NetworkPolicies, nothing else). Only the test's
// own kubectl calls write to the cluster.

import { execFile } from "node:child_process";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { parse, parseAllDocuments } from "yaml";
import { FakeGitHub } from "../../helpers/fake-github.js";
import { FakeGitLab } from "../../helpers/fake-gitlab.js";
import { FakeSlack } from "../../helpers/fake-slack.js";
import { type BareRepo, createBareRepo, git, tempDir } from "../../helpers/git-server.js";
import type { EnvtestInfo } from "../global-setup.js";
import { type CliResult, netpolDrift, ROOT } from "./cli.js";
import { tokenKubeconfig } from "./kubeconfig.js";
import { applyFolders, prefixedCopy } from "./namespaces.js";
import { nsFlags } from "./setup.js";

const exec = promisify(execFile);
type Kubectl = (args: string[], input?: string) => Promise<string>;

export const DESIRED_PATH = "ops/k8s/network-policies";
export const CHANGELOG = `${DESIRED_PATH}/CHANGELOG.md`;

/** A PR or MR as the forge stand-in holds it, in one shape for both forges. */
export interface ChangeRequest {
  number: number;
  state: "open" | "closed" | "merged";
  body: string;
  /** Comments (GitHub) or notes (GitLab) on it. */
  comments: string[];
}

export interface LoopWorld {
  cluster: string;
  branch: string;
  namespaces: string[];
  bare: BareRepo;
  slack: FakeSlack;
  /** Contract violations the forge and Slack stand-ins recorded. */
  violations(): string[];
  changeRequests(): ChangeRequest[];
  /** What the forge does when a person merges the PR/MR (the git side is the test's own `git merge`). */
  markMerged(n: number): void;
  /** `netpol-drift run` as the CronJob runs it. */
  run(): Promise<CliResult>;
  /** `netpol-drift report` of a checkout's desired folder against the cluster (the same scope). */
  report(checkout: string): Promise<CliResult>;
  /** Every live policy of the world's namespaces as `namespace/name@resourceVersion`: any write changes it. */
  liveVersions(): Promise<string[]>;
  /** A fresh clone of the bare repo with `branch` checked out. */
  clone(branch: string): string;
  /** The change record JSON files on the drift branch, oldest first. */
  records(): string[];
  record(name: string): { record: { kind: string; revert?: string[] } } & Record<string, any>;
  close(): Promise<void>;
}

/** The CronJob's environment: deploy/configmap.yaml's data, empty values dropped as the loader does. */
async function configMapEnv(): Promise<Record<string, string>> {
  const cm = parse(await readFile(path.join(ROOT, "deploy/configmap.yaml"), "utf8")) as {
    data: Record<string, string>;
  };
  return Object.fromEntries(Object.entries(cm.data).filter(([, v]) => v !== ""));
}

/** A token of the deploy/ ServiceAccount, applied for real (`kubectl apply -k deploy`), in a kubeconfig. */
export async function readerKubeconfig(env: EnvtestInfo, k: Kubectl): Promise<string> {
  const objects = parseAllDocuments(await k(["kustomize", path.join(ROOT, "deploy")])).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string } },
  );
  const sa = objects.find((o) => o.kind === "ServiceAccount");
  if (!sa) throw new Error("deploy/ renders no ServiceAccount");
  await k(["apply", "-k", path.join(ROOT, "deploy")]);
  const token = (await k(["-n", sa.metadata.namespace, "create", "token", sa.metadata.name, "--duration=1h"])).trim();
  return tokenKubeconfig({ server: env.apiUrl, caFile: env.caFile, token, name: "nightly-loop-sa" });
}

export async function makeLoopWorld(opts: {
  env: EnvtestInfo;
  k: Kubectl;
  prefix: string;
  forge: "github" | "gitlab";
  reader: string;
  /** Desired files renamed before anything is applied or seeded: folder-relative path → new file name. */
  rename?: Record<string, string>;
}): Promise<LoopWorld> {
  const { k, prefix } = opts;
  const cluster = `envtest-${prefix}`;
  const branch = `netpol-drift/${cluster}`;
  const root = await tempDir(`netpol-drift-${prefix}-`);
  const copy = await prefixedCopy(path.join(ROOT, "desired"), prefix);
  for (const [from, to] of Object.entries(opts.rename ?? {}))
    await rename(path.join(copy.root, from), path.join(copy.root, path.dirname(from), to));
  await applyFolders(k, copy.root, copy.namespaces);
  const bare = await createBareRepo(root, { seed: copy.root, seedAt: DESIRED_PATH });
  const github = opts.forge === "github" ? await FakeGitHub.start({ branches: ["main", branch] }) : undefined;
  const gitlab = opts.forge === "gitlab" ? await FakeGitLab.start({ branches: ["main", branch] }) : undefined;
  const slack = await FakeSlack.start();
  const base = await configMapEnv();
  const forgeEnv = github
    ? {
        NETPOL_DRIFT_FORGE: "github",
        NETPOL_DRIFT_FORGE_URL: github.apiUrl,
        NETPOL_DRIFT_FORGE_REPO: `${github.owner}/${github.repo}`,
        NETPOL_DRIFT_FORGE_TOKEN: github.token,
      }
    : {
        NETPOL_DRIFT_FORGE: "gitlab",
        NETPOL_DRIFT_FORGE_URL: gitlab?.url ?? "",
        NETPOL_DRIFT_FORGE_REPO: gitlab?.projectPath ?? "",
        NETPOL_DRIFT_FORGE_TOKEN: gitlab?.token ?? "",
      };
  const runEnv = {
    ...base,
    NETPOL_DRIFT_CLUSTER: cluster,
    NETPOL_DRIFT_REPO: bare.fileUrl,
    ...forgeEnv,
    NETPOL_DRIFT_SLACK_WEBHOOK: slack.url,
    NETPOL_DRIFT_WORKDIR: path.join(root, "scratch"),
  };
  await mkdir(runEnv.NETPOL_DRIFT_WORKDIR, { recursive: true });
  const scope = nsFlags(copy.namespaces);
  let clones = 0;
  const recordsDir = `change-records/${cluster}`;
  return {
    cluster,
    branch,
    namespaces: copy.namespaces,
    bare,
    slack,
    violations: () => [...(github?.violations ?? []), ...(gitlab?.violations ?? []), ...slack.violations],
    changeRequests: () =>
      github
        ? github.pulls.map((p) => ({
            number: p.number,
            state: p.merged ? "merged" : p.state,
            body: p.body,
            comments: github.comments.filter((c) => c.issueNumber === p.number).map((c) => c.body),
          }))
        : (gitlab?.mrs ?? []).map((m) => ({
            number: m.iid,
            state: m.state === "opened" ? "open" : m.state,
            body: m.description,
            comments: (gitlab?.notes ?? []).filter((n) => n.mrIid === m.iid).map((n) => n.body),
          })),
    markMerged(n) {
      const pull = github?.pulls.find((p) => p.number === n);
      if (pull) Object.assign(pull, { state: "closed", merged: true });
      const mr = gitlab?.mrs.find((m) => m.iid === n);
      if (mr) mr.state = "merged";
      if (!pull && !mr) throw new Error(`no change request ${n} on the forge stand-in`);
    },
    run: () => netpolDrift(["run", "--kubeconfig", opts.reader, ...scope], { env: runEnv }),
    report: (checkout) =>
      netpolDrift([
        "report",
        "--desired",
        path.join(checkout, DESIRED_PATH),
        "--kubeconfig",
        opts.reader,
        ...scope,
        "-o",
        "json",
      ]),
    async liveVersions() {
      const template =
        '{range .items[*]}{.metadata.namespace}/{.metadata.name}@{.metadata.resourceVersion}{"\\n"}{end}';
      const out: string[] = [];
      for (const n of copy.namespaces)
        out.push(...(await k(["get", "networkpolicy", "-n", n, "-o", `jsonpath=${template}`])).split("\n"));
      return out.filter(Boolean).sort();
    },
    clone(ref) {
      const dir = path.join(root, `checkout-${++clones}`);
      git(root, ["clone", "-q", "--branch", ref, bare.dir, dir]);
      return dir;
    },
    records: () => bare.ls(branch, recordsDir).filter((f) => f.endsWith(".json")),
    record: (name) => JSON.parse(bare.show(branch, `${recordsDir}/${name}`) ?? "null"),
    async close() {
      await github?.close();
      await gitlab?.close();
      await slack.close();
      await rm(root, { recursive: true, force: true });
      await rm(copy.root, { recursive: true, force: true });
    },
  };
}

/** Drift made with real API calls, each change under its own field manager (none of them netpol-drift). */
export async function makeDrift(k: Kubectl, prefix: string): Promise<void> {
  const ns = (n: string) => `${prefix}-${n}`;
  // A port opened by hand (a policy alone in its file).
  await k([
    "patch",
    "networkpolicy",
    "api-to-postgres",
    "-n",
    ns("stratmaster"),
    "--type=json",
    "--field-manager=e2e-port",
    "-p",
    JSON.stringify([{ op: "replace", path: "/spec/egress/0/ports/0/port", value: 5433 }]),
  ]);
  // A label added by hand to a policy that shares its file with another: its revert is a heredoc and a patch.
  await k([
    "label",
    "networkpolicy",
    "mcp-research-egress",
    "-n",
    ns("stratmaster"),
    "hand=on",
    "--field-manager=e2e-labeler",
  ]);
  await k(["delete", "networkpolicy", "api-to-temporal", "-n", ns("temporal")]);
  await k(
    ["create", "--field-manager=e2e-creator", "-f", "-"],
    JSON.stringify({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "debug-allow-all", namespace: ns("stratmaster") },
      spec: { podSelector: {}, ingress: [{}] },
    }),
  );
}

/** The PR/MR body's revert block: the fenced commands under "Revert instead", exactly as a person copies them. */
export function revertBlock(body: string): string {
  const at = body.indexOf("### Revert instead");
  if (at < 0) throw new Error(`the PR/MR body has no revert section:\n${body}`);
  const m = /^(`{3,})sh\n([\s\S]*?)\n\1$/m.exec(body.slice(at));
  if (!m) throw new Error(`the revert section has no sh block:\n${body.slice(at)}`);
  return m[2] as string;
}

/** Run `script` with real bash, the control plane's kubectl first on PATH, as cluster-admin (a person). */
export async function runAsPerson(
  env: EnvtestInfo,
  cwd: string,
  script: string,
): Promise<{ stdout: string; stderr: string; kubectl: string }> {
  const shellEnv = { ...process.env, PATH: `${env.bin}:${process.env.PATH}`, KUBECONFIG: env.adminKubeconfig };
  const which = await exec("bash", ["-c", "command -v kubectl"], { env: shellEnv });
  const out = await exec("bash", ["-e", "-c", script], { cwd, env: shellEnv });
  return { ...out, kubectl: which.stdout.trim() };
}

/** The last CHANGELOG entry on `ref`. */
export function lastEntry(bare: BareRepo, ref: string): string {
  const log = bare.show(ref, CHANGELOG) ?? "";
  return log.slice(log.lastIndexOf("\n## "));
}
