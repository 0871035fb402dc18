import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { linkedFiles } from "../../../../src/workers/nightly/accept.js";
import { tempDir } from "../../../helpers/git-server.js";

// Which desired files accept must not edit: those the loader reached through a symbolic link, on a real folder.

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("linkedFiles", () => {
  it("names a linked file and every file of a linked folder; plain files are not", async () => {
    root = await tempDir();
    const desired = path.join(root, "desired");
    for (const d of ["shared", "shop", "team-a"]) await mkdir(path.join(desired, d), { recursive: true });
    await writeFile(path.join(desired, "shared/default-deny.yaml"), "x\n");
    await writeFile(path.join(desired, "shop/web.yaml"), "x\n");
    await symlink("../shared/default-deny.yaml", path.join(desired, "shop/default-deny.yaml"));
    await symlink("shared", path.join(desired, "team-b"));
    const files = ["shared/default-deny.yaml", "shop/web.yaml", "shop/default-deny.yaml", "team-b/default-deny.yaml"];
    expect(await linkedFiles(desired, files)).toEqual(["shop/default-deny.yaml", "team-b/default-deny.yaml"]);
  });

  it("a desired folder that is itself reached through a link is not a link of its files", async () => {
    root = await tempDir();
    await mkdir(path.join(root, "real/shop"), { recursive: true });
    await writeFile(path.join(root, "real/shop/web.yaml"), "x\n");
    await symlink("real", path.join(root, "desired"));
    expect(await linkedFiles(path.join(root, "desired"), ["shop/web.yaml"])).toEqual([]);
  });
});
