// Where the analysis gets real namespaces and pods: a capture file, or (opt-in) the cluster itself.
import type { Logger } from "../../log/logger.js";
import { UsageError } from "../../model/errors.js";
import type { ClusterSource, LiveSourceOptions, WorkloadsSource } from "../../model/sources.js";
import type { Workloads } from "../../model/workloads.js";
import { readWorkloadsFile } from "./file.js";

/**
 * Resolving workloads lists the cluster the live side comes from, with its kubeconfig. A live capture has no
 * cluster to ask: mixing a capture with today's pods would describe neither, so that is refused.
 */
export function clusterWorkloadsFor(live: LiveSourceOptions, setting: string): WorkloadsSource {
  if (live.kind === "file")
    throw new UsageError(
      `${setting} lists namespaces and pods from the cluster, but the live side is the capture ${live.file}: pass a workloads capture instead`,
    );
  return { kind: "cluster", kubeconfig: live.kubeconfig, context: live.context, pageSize: live.pageSize };
}

/** Throws SourceError (naming the file or the API call) when the workloads cannot be read whole. */
export async function readWorkloads(
  source: WorkloadsSource,
  io: { stdin?: NodeJS.ReadableStream; logger: Logger },
): Promise<Workloads> {
  const parsed =
    source.kind === "file" ? await readWorkloadsFile(source.file, io.stdin) : await listFromCluster(source, io.logger);
  if (parsed.skipped.length > 0) io.logger.debug({ skipped: parsed.skipped }, "pods left out of the analysis");
  io.logger.debug(
    { origin: parsed.origin, namespaces: parsed.namespaces.length, pods: parsed.pods.length },
    "workloads read",
  );
  return parsed;
}

// Loaded on demand, like the live lister: client-node is slow to load and a capture does not need it.
async function listFromCluster(source: ClusterSource, logger: Logger) {
  const [{ loadKubeConfig }, { listWorkloads }] = await Promise.all([
    import("../live/cluster.js"),
    import("./cluster.js"),
  ]);
  return listWorkloads(loadKubeConfig({ kubeconfig: source.kubeconfig, context: source.context }), {
    pageSize: source.pageSize,
    onPage: ({ call, page, items }) => logger.debug({ call, page, items }, "listed a page of workloads"),
    onRestart: ({ call, page }) =>
      logger.warn({ call, page }, "the continue token expired (410 Gone): listing again from the start, once"),
  });
}
