import { describe, expect, it } from "vitest";
import { loadConfig, redact, safeUrl } from "../../../src/config/index.js";
import { base, failure, file } from "../../helpers/run-config.js";

describe("run configuration", () => {
  it("fills the documented defaults from the desired path", async () => {
    const c = await loadConfig({ env: base });
    expect(c).toMatchObject({
      cluster: "prod-eu",
      branch: "main",
      desiredPath: "ops/k8s/network-policies",
      changelog: "ops/k8s/network-policies/CHANGELOG.md",
      // Issue 13: outside the desired folder, so nothing that applies it loads a record; the old default is read back.
      recordsDir: "change-records",
      legacyRecordsDir: "ops/k8s/network-policies/change-records",
      push: "pr",
      forge: "none",
      notify: "changes",
      pushRetries: 4,
    });
    const moved = await loadConfig({ env: { ...base, NETPOL_DRIFT_DESIRED_PATH: "k8s/netpol/" } });
    expect(moved).toMatchObject({
      desiredPath: "k8s/netpol",
      changelog: "k8s/netpol/CHANGELOG.md",
      recordsDir: "change-records",
      legacyRecordsDir: "k8s/netpol/change-records",
    });
  });

  it("reads the YAML file, and the environment wins over it; empty variables count as unset", async () => {
    const f = await file(
      "cluster: from-file\nrepo: file:///srv/policies.git\nbranch: trunk\nnotify: always\npushRetries: 2\n",
    );
    const c = await loadConfig({ file: f, env: { NETPOL_DRIFT_BRANCH: "release", NETPOL_DRIFT_NOTIFY: "" } });
    expect(c).toMatchObject({
      cluster: "from-file",
      repo: "file:///srv/policies.git",
      branch: "release",
      notify: "always",
      pushRetries: 2,
    });
    const flagged = await loadConfig({
      file: f,
      env: { NETPOL_DRIFT_CLUSTER: "from-env" },
      flags: { cluster: "from-flag" },
    });
    expect(flagged.cluster).toBe("from-flag");
  });

  it("names the environment variable that is wrong", async () => {
    const e = await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_PUSH: "force" } }));
    expect(e.key).toBe("NETPOL_DRIFT_PUSH");
    expect(e.message).toMatch(/^config: NETPOL_DRIFT_PUSH \(environment\): .*"pr".*"direct".*got "force"/);
    expect((await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_NOTIFY: "sometimes" } }))).key).toBe(
      "NETPOL_DRIFT_NOTIFY",
    );
    expect((await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_CLUSTER: "prod/eu" } }))).key).toBe(
      "NETPOL_DRIFT_CLUSTER",
    );
    expect((await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_DESIRED_PATH: "../etc" } }))).key).toBe(
      "NETPOL_DRIFT_DESIRED_PATH",
    );
    expect((await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_BRANCH: "a..b" } }))).key).toBe(
      "NETPOL_DRIFT_BRANCH",
    );
    expect((await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_PUSH_RETRIES: "lots" } }))).key).toBe(
      "NETPOL_DRIFT_PUSH_RETRIES",
    );
  });

  it("names a missing required setting", async () => {
    const e = await failure(loadConfig({ env: { NETPOL_DRIFT_REPO: base.NETPOL_DRIFT_REPO } }));
    expect(e.key).toBe("NETPOL_DRIFT_CLUSTER");
    expect(e.message).toContain("is required");
    const forge = await failure(
      loadConfig({ env: { ...base, NETPOL_DRIFT_FORGE: "gitlab", NETPOL_DRIFT_FORGE_REPO: "ops/policies" } }),
    );
    expect(forge.key).toBe("NETPOL_DRIFT_FORGE_TOKEN");
  });

  it("names the key, file and line for YAML mistakes, and refuses unknown keys", async () => {
    const typo = await failure(loadConfig({ file: await file("cluster: a\nrepo: b\nbrnach: main\n"), env: {} }));
    expect(typo.key).toBe("brnach");
    expect(typo.message).toMatch(/netpol-drift\.yaml:3\): unknown key; known keys: cluster, repo, branch/);
    const envName = await failure(loadConfig({ file: await file("NETPOL_DRIFT_CLUSTER: a\n"), env: {} }));
    expect(envName.message).toContain("write `cluster:`");
    const bad = await failure(loadConfig({ file: await file("cluster: a\nrepo: b\npush: sideways\n"), env: {} }));
    expect(bad.key).toBe("push");
    expect(bad.source).toMatch(/netpol-drift\.yaml:3$/); // the key's line
    const broken = await failure(loadConfig({ file: await file("cluster: a\n  repo: [\n"), env: {} }));
    expect(broken.message).toMatch(/netpol-drift\.yaml:\d+: not valid YAML/);
  });

  it("never echoes a secret back in an error", async () => {
    const e = await failure(
      loadConfig({ env: { ...base, NETPOL_DRIFT_SLACK_WEBHOOK: "not a url hooks-secret-value-999" } }),
    );
    expect(e.key).toBe("NETPOL_DRIFT_SLACK_WEBHOOK");
    expect(e.message).not.toContain("hooks-secret-value-999");
  });
});

describe("redact", () => {
  it("strips URL credentials, token parameters, webhook paths, auth headers and configured secrets", () => {
    expect(redact("fatal: https://x-access-token:ghs_abc123@github.com/acme/p.git not found")).toBe(
      "fatal: https://***@github.com/acme/p.git not found",
    );
    expect(redact("GET /api?private_token=glpat-xyz&page=2")).toBe("GET /api?private_token=***&page=2");
    expect(redact("POST https://hooks.slack.com/services/T1/B2/abcdef failed")).toBe(
      "POST https://hooks.slack.com/services/*** failed",
    );
    expect(redact("Authorization: Bearer abc.def")).toBe("Authorization: Bearer ***");
    expect(redact("token ghp_0123456789abcdefghijABCDEFGHIJ0123 leaked")).toBe("token *** leaked");
    const secret = "my-very-secret-token";
    expect(redact(`echo ${secret} and ${Buffer.from(secret).toString("base64")}`, [secret])).toBe("echo *** and ***");
    expect(redact("short abc", ["abc"])).toBe("short abc"); // too short to mask by value safely
    expect(safeUrl("https://user:pw@git.example.com/a.git")).toBe("https://git.example.com/a.git");
  });
});

describe("run --help", () => {
  it("is generated from the settings table: every key and environment name, with its default", async () => {
    const { RUN_HELP } = await import("../../../src/cli/run.js");
    const { FIELDS } = await import("../../../src/config/schema.js");
    for (const [key, f] of Object.entries(FIELDS)) {
      expect(RUN_HELP).toContain(`  ${key} `);
      expect(RUN_HELP).toContain(f.env);
    }
    expect(RUN_HELP).toContain("NETPOL_DRIFT_PUSH_RETRIES (default 4)");
    expect(RUN_HELP).toContain("NETPOL_DRIFT_BRANCH (default main)");
    expect(RUN_HELP).toContain("--dry-run");
  });
});
