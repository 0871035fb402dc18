// Where the analysis gets real namespaces and pods: a capture file, or (opt-in) the cluster itself.
import type { Workloads } from "../analyse/types.js";
import type { Logger } from "../log/logger.js";
import { UsageError } from "../model/errors.js";
import { readWorkloadsFile } from "../sources/workloads/file.js";

export type WorkloadsSource =
  | { kind: "file"; file: string }
  | { kind: "cluster"; kubeconfig?: string; context?: string; pageSize: number };

type LiveSource =
  | { kind: "file"; file: string }
  | { kind: "cluster"; kubeconfig?: string; context?: string; pageSize: number };

/**
 * Resolving workloads lists the cluster the live side comes from, with its kubeconfig. A live capture has no
 * cluster to ask: mixing a capture with today's pods would describe neither, so that is refused.
 */
export function clusterWorkloadsFor(live: LiveSource, setting: string): WorkloadsSource {
  if (live.kind === "file")
    throw new UsageError(
      `${setting} lists namespaces and pods from the cluster, but the live side is the capture ${live.file}: pass a workloads capture instead`,
    );
  return { kind: "cluster", kubeconfig: live.kubeconfig, context: live.context, pageSize: live.pageSize };
}

/** Throws LiveSourceError (naming the file or the API call) when the workloads cannot be read whole. */
export async function readWorkloads(
  source: WorkloadsSource,
  io: { stdin?: NodeJS.ReadableStream; logger: Logger },
): Promise<Workloads> {
  const parsed =
    source.kind === "file" ? await readWorkloadsFile(source.file, io.stdin) : await listFromCluster(source);
  if (parsed.skipped.length > 0) io.logger.debug({ skipped: parsed.skipped }, "pods left out of the analysis");
  io.logger.debug(
    { origin: parsed.origin, namespaces: parsed.namespaces.length, pods: parsed.pods.length },
    "workloads read",
  );
  return parsed;
}

// Loaded on demand, like the live lister: client-node is slow to load and a capture does not need it.
async function listFromCluster(source: Extract<WorkloadsSource, { kind: "cluster" }>) {
  const [{ loadKubeConfig }, { listWorkloads }] = await Promise.all([
    import("../sources/live/cluster.js"),
    import("../sources/workloads/cluster.js"),
  ]);
  return listWorkloads(loadKubeConfig({ kubeconfig: source.kubeconfig, context: source.context }), {
    pageSize: source.pageSize,
  });
}
