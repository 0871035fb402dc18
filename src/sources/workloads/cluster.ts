// Opt-in (--resolve-workloads): list namespaces and pods from the cluster. Needs RBAC `list` on namespaces and
// pods, beyond the default ServiceAccount's networkpolicies-only role: deploy/optional/workloads-reader.yaml.
import { ApiException, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { LiveSourceError } from "../../model/errors.js";
import { workloadsFromObjects, type ParsedWorkloads } from "./parse.js";
import { errorMessage } from "../../util/errors.js";

export async function listWorkloads(
  kc: KubeConfig,
  opts: { pageSize: number },
): Promise<ParsedWorkloads & { requests: number }> {
  const api = kc.makeApiClient(CoreV1Api);
  const server = kc.getCurrentCluster()?.server ?? "(unknown server)";
  let requests = 0;
  const page = async <T extends { items?: unknown[]; metadata?: { _continue?: string } }>(
    call: string,
    fetch: (cont?: string) => Promise<T>,
  ) => {
    const items: unknown[] = [];
    let cont: string | undefined;
    try {
      do {
        requests++;
        const list = await fetch(cont);
        items.push(...(list.items ?? []));
        cont = list.metadata?._continue || undefined;
      } while (cont);
    } catch (err) {
      throw toError(`${call} at ${server}`, err);
    }
    return items;
  };
  const namespaces = await page("list namespaces", (cont) =>
    api.listNamespace({ limit: opts.pageSize, _continue: cont }),
  );
  const pods = await page("list pods in all namespaces", (cont) =>
    api.listPodForAllNamespaces({ limit: opts.pageSize, _continue: cont }),
  );
  const typed = [
    ...namespaces.map((n) => ({ kind: "Namespace", ...(n as object) })),
    ...pods.map((p) => ({ kind: "Pod", ...(p as object) })),
  ];
  return { ...workloadsFromObjects(typed, `cluster ${server}`), requests };
}

function toError(call: string, err: unknown): LiveSourceError {
  if (err instanceof ApiException) {
    const hint =
      err.code === 403
        ? " — resolving workloads (--resolve-workloads, NETPOL_DRIFT_RESOLVE_WORKLOADS) needs RBAC verb `list` on namespaces and pods: deploy/optional/workloads-reader.yaml (opt-in; the default role lists NetworkPolicies only)"
        : "";
    return new LiveSourceError(call, `HTTP ${err.code}${hint}`, err.code, { cause: err });
  }
  return new LiveSourceError(call, `cannot reach the API server: ${errorMessage(err)}`, undefined, { cause: err });
}
