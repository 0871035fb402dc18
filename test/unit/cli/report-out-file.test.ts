import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeAtomically } from "../../../src/sinks/file.js";
import { runCli } from "../../fixtures/cli-context.js";
import { kubectlList, serverPolicy } from "../../fixtures/server-shaped.js";
import { policyYaml, put, tempTree } from "../../fixtures/temp-tree.js";

// `--out FILE` when the write fails half-way: no temp file is left next to FILE, FILE keeps what it held,
// and the error names FILE (not the temp file). A full disk is the kernel's own: the temp file's path is
// made to lead to /dev/full, where every write fails with ENOSPC.

const tmpOf = (file: string) => `${file}.${process.pid}.tmp`;
const DEV_FULL = "/dev/full";

async function setup(): Promise<{ root: string; args: string[] }> {
  const root = await tempTree({ "desired/shop/web.yaml": policyYaml("web") });
  await put(
    root,
    "capture.json",
    JSON.stringify(kubectlList([serverPolicy("shop", "web", { podSelector: {}, policyTypes: ["Ingress"] })])),
  );
  return {
    root,
    args: [
      "report",
      "--desired",
      path.join(root, "desired"),
      "--live-file",
      path.join(root, "capture.json"),
      "-o",
      "json",
    ],
  };
}

describe("report --out: a write that fails", () => {
  it("a full disk (ENOSPC): exit 2, the error names FILE, the temp file is gone, FILE keeps its old report", async () => {
    expect(existsSync(DEV_FULL)).toBe(true);
    const { root, args } = await setup();
    const out = path.join(root, "reports", "drift.json");
    await mkdir(path.dirname(out));
    await writeFile(out, "yesterday's report\n");
    await symlink(DEV_FULL, tmpOf(out));

    const r = await runCli([...args, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`netpol-drift report: cannot write ${out}: no space left on device (ENOSPC)\n`);
    expect(await readdir(path.dirname(out))).toEqual(["drift.json"]);
    expect(await readFile(out, "utf8")).toBe("yesterday's report\n");
  });

  it("FILE cannot be replaced (it is a folder): the written temp file is removed and FILE is named", async () => {
    const { root, args } = await setup();
    const out = path.join(root, "drift.json");
    await mkdir(out);
    const r = await runCli([...args, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^netpol-drift report: cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .+ \\((EISDIR|ENOTEMPTY|EEXIST)\\)\\n$`,
      ),
    );
    expect(r.stderr).not.toContain(".tmp");
    expect((await readdir(root)).sort()).toEqual(["capture.json", "desired", "drift.json"]);
  });

  it("the folder of FILE cannot be made: the error names FILE and nothing is created", async () => {
    const root = await tempTree({ "a-file": "x" });
    const out = path.join(root, "a-file", "drift.json");
    await expect(writeAtomically(out, "{}\n")).rejects.toThrow(`cannot write ${out}: `);
    expect(await readdir(root)).toEqual(["a-file"]);
  });

  it("a write that succeeds leaves only FILE", async () => {
    const root = await tempTree({});
    const out = path.join(root, "r.json");
    await writeAtomically(out, "{}\n");
    expect(await readdir(root)).toEqual(["r.json"]);
    expect(await readFile(out, "utf8")).toBe("{}\n");
  });
});
