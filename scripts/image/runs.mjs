// The four runs of the built image, each the way jobs/ runs it (scripts/image/manifest.mjs), against real
// parts (scripts/image/world.mjs). Prints PASS/FAIL per run and writes { passed, failed } to argv[3].
// Usage: node scripts/image/runs.mjs IMAGE COUNTS_FILE      env: ENVTEST_WORK (envtest-up.sh's folder)
import { writeFileSync } from "node:fs";
import path from "node:path";
import { podmanArgv, podmanRun, readConfigMap, readCronJob } from "./manifest.mjs";
import { bareRepo, cluster, emptyDir, git, ok, run, slackReceiver, tempRoot } from "./world.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const [image, countsFile] = process.argv.slice(2);
const log = (s) => process.stderr.write(`[image-test] ${s}\n`);
const PROBE = `echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"; grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status
if touch /.probe 2>/dev/null; then echo "/=writable"; else echo "/=read-only"; fi
for m in /tmp "$@"; do if touch "$m/.probe" 2>/dev/null; then rm -f "$m/.probe"; echo "$m=writable"; else echo "$m=read-only"; fi; done`;

function check(cond, what) {
  if (!cond) throw new Error(what);
}

/** Inside the container as the manifest sets it up: the user, capabilities, no-new-privs and writable paths. */
async function probe(spec, extra) {
  const argv = podmanArgv(
    image,
    { ...spec, entrypoint: ["/bin/sh", "-c", PROBE, "probe"] },
    ["--rm", ...extra],
    spec.expect.mounts.map((m) => m.path),
  );
  const out = await ok("podman", argv);
  const e = spec.expect;
  const groups = /groups=([\d ]+)/.exec(out)?.[1].trim().split(" ").map(Number) ?? [];
  check(out.includes(`uid=${e.uid} gid=${e.gid} `), `probe: expected uid=${e.uid} gid=${e.gid}, got ${out}`);
  if (e.fsGroup !== undefined) check(groups.includes(e.fsGroup), `probe: fsGroup ${e.fsGroup} not among ${groups}`);
  // The bounding set, not only the effective one: a non-root process has no effective capabilities anyway.
  if (e.noCapabilities)
    check(/CapEff:\s+0+\n/.test(out) && /CapBnd:\s+0+\n/.test(out), `probe: capabilities left: ${out}`);
  if (e.noNewPrivs) check(/NoNewPrivs:\s+1/.test(out), "probe: no_new_privs is not set");
  if (e.readOnlyRoot)
    check(out.includes("/=read-only") && out.includes("/tmp=read-only"), `probe: root filesystem writable: ${out}`);
  for (const m of e.mounts)
    check(
      out.includes(`${m.path}=${m.readOnly ? "read-only" : "writable"}`),
      `probe: ${m.path} should be ${m.readOnly ? "read-only" : "writable"}: ${out}`,
    );
}

/** The same command on the host (dist/, this checkout), with the container's settings for netpol-drift. */
function host(args, spec, extraEnv = {}) {
  const env = { ...process.env, ...spec.env, ...extraEnv };
  for (const k of [
    "HOME",
    "TMPDIR",
    "KUBERNETES_SERVICE_HOST",
    "KUBERNETES_SERVICE_PORT",
    "KUBECONFIG",
    "NETPOL_DRIFT_WORKDIR",
  ])
    delete env[k];
  return run(process.execPath, [path.join(ROOT, "bin/netpol-drift.js"), ...args], { cwd: ROOT, env });
}

const jsonLogs = (stderr) =>
  stderr
    .split("\n")
    .filter(Boolean)
    .every((l) => {
      try {
        return typeof JSON.parse(l).level === "number";
      } catch {
        return false;
      }
    });

const work = process.env.ENVTEST_WORK;

async function main() {
  if (!work) throw new Error("ENVTEST_WORK is not set (the folder scripts/envtest-up.sh printed)");
  const root = tempRoot();
  try {
    return await runAll(root);
  } finally {
    await run("rm", ["-rf", root]);
  }
}

async function runAll(root) {
  const report = readCronJob(ROOT, "report-cronjob.yaml");
  const nightly = readCronJob(ROOT, "cronjob.yaml");
  const snapshot = path.join(ROOT, "examples/live-snapshot.json");
  const desired = path.join(ROOT, "desired");
  const k8s = await cluster(root, ROOT, work, snapshot);
  const configMap = readConfigMap(ROOT);
  const repo = await bareRepo(root, desired, configMap.NETPOL_DRIFT_DESIRED_PATH, 1000);
  const slack = await slackReceiver();
  Object.assign(configMap, {
    NETPOL_DRIFT_CLUSTER: "image-test",
    NETPOL_DRIFT_REPO: repo.url,
    NETPOL_DRIFT_PUSH: "direct",
    NETPOL_DRIFT_FORGE: "none",
    NETPOL_DRIFT_FORGE_REPO: "",
    NETPOL_DRIFT_NOTIFY: "changes",
  });
  const secrets = { NETPOL_DRIFT_SLACK_WEBHOOK: slack.url };
  const world = (name) => ({
    configMap,
    secrets,
    serviceAccount: k8s.serviceAccount,
    volumes: { scratch: emptyDir(root, name, 1000) },
  });
  const results = [];
  const step = async (id, what, fn) => {
    try {
      const detail = await fn();
      results.push(true);
      log(`PASS ${id} ${what}${detail ? `: ${detail}` : ""}`);
    } catch (err) {
      results.push(false);
      log(`FAIL ${id} ${what}: ${err.message}`);
    }
  };
  for (const [job, c] of [
    [nightly, "netpol-drift"],
    [report, "clone"],
    [report, "netpol-drift"],
  ]) {
    const spec = podmanRun(job, c, world("claims"));
    log(
      `${job.file} ${c}: ${spec.claims.join(", ")}${spec.notEnforced.length ? ` (not enforced here: ${spec.notEnforced.join(", ")})` : ""}`,
    );
  }

  await step("(a)", "report --live-file, as the report CronJob's container, gives the host's report", async () => {
    const w = world("a-scratch");
    // The report container starts in the clone its init container made; (a) has none, so an empty folder stands in.
    emptyDir(w.volumes.scratch, "repo", 1000);
    const spec = podmanRun(report, "netpol-drift", w);
    const mounts = ["-v", `${desired}:${desired}:ro`, "-v", `${snapshot}:${snapshot}:ro`];
    await probe(spec, mounts);
    const args = ["report", "--desired", desired, "--live-file", snapshot, "-o", "json"];
    const inImage = await run("podman", podmanArgv(image, spec, ["--rm", ...mounts], args));
    const onHost = await host(args, spec);
    const strip = (r) => {
      const j = JSON.parse(r.stdout);
      delete j.generatedAt;
      return j;
    };
    check(
      inImage.code === onHost.code,
      `exit ${inImage.code} in the image, ${onHost.code} on the host\n${inImage.stderr}`,
    );
    check([0, 1].includes(inImage.code), `exit ${inImage.code}: ${inImage.stderr}`);
    check(JSON.stringify(strip(inImage)) === JSON.stringify(strip(onHost)), "the reports differ (beyond generatedAt)");
    check(jsonLogs(inImage.stderr), `logs are not JSON lines: ${inImage.stderr.slice(0, 300)}`);
    return `exit ${inImage.code}, ${strip(inImage).drift.length} drift entries, identical JSON`;
  });

  await step(
    "(b)",
    "report against the kube-apiserver as the deploy/ ServiceAccount (clone init container, then report)",
    async () => {
      const w = world("b-scratch");
      const clone = podmanRun(report, "clone", w);
      await probe(clone, ["-v", `${repo.dir}:${repo.dir}:ro`]);
      await ok("podman", podmanArgv(image, clone, ["--rm", "-v", `${repo.dir}:${repo.dir}:ro`]));
      const spec = podmanRun(report, "netpol-drift", w);
      await probe(spec, ["--network", "host"]);
      const inImage = await run("podman", podmanArgv(image, spec, ["--rm", "--network", "host"]));
      const scratch = w.volumes.scratch;
      const onHost = await host(
        [...spec.args.map((a) => a.replace("/scratch/", `${scratch}/`)), "--kubeconfig", k8s.kubeconfig],
        spec,
      );
      check(
        inImage.code === 1,
        `exit ${inImage.code} (the seeded cluster differs from desired/: expected 1)\n${inImage.stderr}`,
      );
      check(onHost.code === inImage.code, `host exit ${onHost.code}\n${onHost.stderr}`);
      // The second line names the sources (in-cluster vs the host's kubeconfig) and the time; the rest must match.
      const body = (s) =>
        s
          .split("\n")
          .filter((_, i) => i !== 1)
          .join("\n");
      check(
        body(inImage.stdout) === body(onHost.stdout),
        `reports differ:\n--- image\n${inImage.stdout}\n--- host\n${onHost.stdout}`,
      );
      check(inImage.stdout.includes("cluster image-test"), `no cluster name in: ${inImage.stdout.slice(0, 200)}`);
      return `exit 1, ${k8s.policies} live policies listed with the ServiceAccount's token, same text as the host`;
    },
  );

  await step("(c)", "run: clone over file://, commit and push, one Slack POST", async () => {
    const before = (await git(root, ["-c", "safe.directory=*", "--git-dir", repo.dir, "rev-parse", "main"])).trim();
    const spec = podmanRun(nightly, "netpol-drift", world("c-scratch"));
    const mounts = ["--network", "host", "-v", `${repo.dir}:${repo.dir}`];
    await probe(spec, mounts);
    const r = await run("podman", podmanArgv(image, spec, ["--rm", ...mounts]));
    check(r.code === 0, `exit ${r.code}\n${r.stderr}`);
    check(jsonLogs(r.stderr), `logs are not JSON lines: ${r.stderr.slice(0, 300)}`);
    const g = (args) => git(root, ["-c", "safe.directory=*", "--git-dir", repo.dir, ...args]);
    const after = (await g(["rev-parse", "main"])).trim();
    check(after !== before, "no new commit on main");
    const count = (await g(["rev-list", "--count", `${before}..${after}`])).trim();
    check(count === "1", `${count} new commits on main; one per drift event (the delivery goes into a note)`);
    const notes = (await g(["for-each-ref", "--format=%(refname)", "refs/notes/"])).trim();
    check(notes === "refs/notes/netpol-drift/image-test", `the delivery notes ref is not there: "${notes}"`);
    const changed = (await g(["diff", "--name-only", before, after])).split("\n").filter(Boolean);
    const changelog = `${configMap.NETPOL_DRIFT_DESIRED_PATH}/CHANGELOG.md`;
    check(changed.includes(changelog), `the commit does not touch ${changelog}: ${changed.join(", ")}`);
    check(
      (await g(["show", `${after}:${changelog}`])).includes("image-test"),
      "the CHANGELOG does not name the cluster",
    );
    check(slack.requests.length === 1, `Slack got ${slack.requests.length} requests`);
    const post = slack.requests[0];
    check(post.method === "POST" && post.url === new URL(slack.url).pathname, `Slack got ${post.method} ${post.url}`);
    check(/^application\/json\b/.test(post.contentType), `Slack content-type ${post.contentType}`);
    const body = JSON.parse(post.body);
    check(
      typeof body.text === "string" || Array.isArray(body.blocks),
      `not a webhook body: ${post.body.slice(0, 200)}`,
    );
    return `1 commit ${after.slice(0, 8)} (${changed.length} files), the delivery note, 1 Slack POST of ${post.body.length} bytes`;
  });

  await step("(d)", "schedule under tini, stopped by SIGTERM (podman stop), exits 0", async () => {
    const spec = podmanRun(nightly, "netpol-drift", world("d-scratch"));
    const name = `netpol-drift-image-test-${process.pid}`;
    const grace = String(nightly.pod.terminationGracePeriodSeconds ?? 30);
    await ok(
      "podman",
      podmanArgv(
        image,
        spec,
        ["-d", "--name", name, "--network", "host", "-v", `${repo.dir}:${repo.dir}:ro`],
        ["schedule"],
      ),
    );
    try {
      let logs = "";
      for (let i = 0; i < 120 && !logs.includes('"next run"'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        logs = (await run("podman", ["logs", name])).stderr;
        if (
          !logs.includes('"next run"') &&
          (await ok("podman", ["inspect", "--format", "{{.State.Running}}", name])).trim() !== "true"
        )
          break;
      }
      check(
        logs.includes('"scheduler started"') && logs.includes('"next run"'),
        `the scheduler did not start: ${logs.slice(0, 500)}`,
      );
      const pid1 = (await ok("podman", ["exec", name, "cat", "/proc/1/cmdline"])).split("\0").filter(Boolean);
      check(pid1[0] === "/usr/bin/tini", `PID 1 is ${pid1.join(" ")}`);
      await ok("podman", ["stop", "-t", grace, name]);
      const code = (await ok("podman", ["inspect", "--format", "{{.State.ExitCode}}", name])).trim();
      logs = (await run("podman", ["logs", name])).stderr;
      check(code === "0", `exit ${code} (137 is SIGKILL after the grace period)\n${logs}`);
      check(
        /"signal":"SIGTERM"[^\n]*"stop requested"/.test(logs) && logs.includes('"scheduler stopped"'),
        `no clean stop in the log:\n${logs}`,
      );
      return `PID 1 ${pid1.slice(0, 3).join(" ")}, exit 0 after SIGTERM`;
    } finally {
      await run("podman", ["rm", "-f", name]);
    }
  });

  await slack.close();
  return results;
}

main().then(
  (results) => {
    const passed = results.filter(Boolean).length;
    writeFileSync(countsFile, JSON.stringify({ passed, failed: results.length - passed }));
  },
  (err) => {
    log(`FAIL setup: ${err.stack ?? err.message}`);
    writeFileSync(countsFile, JSON.stringify({ passed: 0, failed: 4 }));
  },
);
