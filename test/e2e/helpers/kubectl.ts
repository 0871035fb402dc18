import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { EnvtestInfo } from "../global-setup.js";

const exec = promisify(execFile);

/** The real kubectl built with the control plane, as cluster-admin unless another kubeconfig is given. */
export function kubectl(env: EnvtestInfo, kubeconfig = env.adminKubeconfig) {
  const bin = path.join(env.bin, "kubectl");
  return async (args: string[], input?: string): Promise<string> => {
    const child = exec(bin, ["--kubeconfig", kubeconfig, ...args], { maxBuffer: 256 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    try {
      return (await child).stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
    }
  };
}
