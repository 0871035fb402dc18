// The real parts the image runs against: the e2e kube-apiserver with deploy/ applied and the ServiceAccount's
// token, a bare git repo over file://, a Slack receiver on 127.0.0.1, and folders standing in for emptyDirs.
import { spawn } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";

/** Runs a command; resolves { code, stdout, stderr } whatever the exit code (rejects only on a timeout). */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    if (child.stdin) {
      child.stdin.on("error", () => {}); // a command that exits before reading: its exit code tells
      child.stdin.end(opts.input);
    }
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")}: no exit after ${opts.timeoutMs ?? 300_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function ok(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A folder that uid/gid `owner` can write, as an emptyDir with fsGroup gives; under a root others may enter. */
export function emptyDir(root, name, owner) {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  chownSync(dir, owner, owner);
  chmodSync(dir, 0o2775);
  return dir;
}

export function tempRoot() {
  const dir = mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "netpol-drift-image-"));
  chmodSync(dir, 0o755);
  return dir;
}

const GIT_ENV = () => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "seed",
  GIT_AUTHOR_EMAIL: "seed@example.invalid",
  GIT_COMMITTER_NAME: "seed",
  GIT_COMMITTER_EMAIL: "seed@example.invalid",
});
export const git = (cwd, args) => ok("git", args, { cwd, env: GIT_ENV() });

/** A bare repo whose main holds `seed` at `at`, owned by the container's uid so its pushes land. */
export async function bareRepo(root, seed, at, owner) {
  const dir = path.join(root, "policies.git");
  const work = path.join(root, "seed-work");
  await git(root, ["init", "-q", "--bare", "--initial-branch=main", dir]);
  await git(root, ["init", "-q", "--initial-branch=main", work]);
  cpSync(seed, path.join(work, at), { recursive: true });
  await git(work, ["add", "-A"]);
  await git(work, ["commit", "-q", "-m", "seed"]);
  await git(work, ["push", "-q", dir, "main"]);
  await ok("chown", ["-R", `${owner}:${owner}`, dir]);
  return { dir, url: pathToFileURL(dir).href };
}

/** A Slack incoming-webhook stand-in on 127.0.0.1: records each request, answers "ok" as Slack does. */
export async function slackReceiver() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, contentType: req.headers["content-type"] ?? "", body });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/services/T0000/B0000/image-test`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** KEY=value lines of envtest-up.sh's env file. */
export function envtestEnv(work) {
  const env = {};
  for (const line of readFileSync(path.join(work, "env"), "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/**
 * deploy/ applied as cluster-admin, the live policies of `snapshot` created, and the ServiceAccount's token
 * laid out as the kubelet mounts it; plus a kubeconfig with the same token for the host's runs.
 */
export async function cluster(root, repoRoot, work, snapshot) {
  const e = envtestEnv(work);
  const kubectl = path.join(e.ENVTEST_BIN, "kubectl");
  const k = (args, input) => ok(kubectl, ["--kubeconfig", e.KUBECONFIG_ADMIN, ...args], { input });
  await k(["apply", "-k", path.join(repoRoot, "deploy")]);
  const rendered = parseAllDocuments(await k(["kustomize", path.join(repoRoot, "deploy")])).map((d) => d.toJS());
  const sa = rendered.find((o) => o?.kind === "ServiceAccount");
  const items = JSON.parse(readFileSync(snapshot, "utf8")).items;
  const namespaces = [...new Set(items.map((p) => p.metadata.namespace))].map((name) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name },
  }));
  const clean = items.map((p) => ({
    ...p,
    metadata: { name: p.metadata.name, namespace: p.metadata.namespace, labels: p.metadata.labels },
  }));
  await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: namespaces }));
  await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: clean }));
  const token = (await k(["-n", sa.metadata.namespace, "create", "token", sa.metadata.name, "--duration=1h"])).trim();

  const saDir = path.join(root, "serviceaccount");
  mkdirSync(saDir);
  writeFileSync(path.join(saDir, "token"), token);
  writeFileSync(path.join(saDir, "namespace"), sa.metadata.namespace);
  cpSync(e.CA_FILE, path.join(saDir, "ca.crt"));
  for (const f of ["token", "namespace", "ca.crt"]) chmodSync(path.join(saDir, f), 0o644);
  const kubeconfig = path.join(root, "sa.kubeconfig");
  const ca = readFileSync(e.CA_FILE).toString("base64");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "envtest", cluster: { server: e.API_URL, "certificate-authority-data": ca } }],
      users: [{ name: "sa", user: { token } }],
      contexts: [{ name: "sa", context: { cluster: "envtest", user: "sa" } }],
      "current-context": "sa",
    }),
  );
  const port = Number(new URL(e.API_URL).port);
  return {
    serviceAccount: { dir: saDir, host: "127.0.0.1", port, name: sa.metadata.name },
    kubeconfig,
    policies: items.length,
  };
}
