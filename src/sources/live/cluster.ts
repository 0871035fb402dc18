// @kubernetes/client-node is pinned to 1.4.x on purpose: 2.x pulls undici 8, which needs Node 22 and crashes
// on import under Node 20 (the machines' runtime). Move to 2.x only together with the Node 22+ floor.
import { ApiException, KubeConfig, NetworkingV1Api, type V1NetworkPolicyList } from "@kubernetes/client-node";
// The typed client renames wire fields (`from` → `_from`, `continue` → `_continue`) and turns times into
// Dates; its own serializer turns an object back into exactly what the API server sent.
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";
import { LiveSourceError, UsageError } from "../../model/errors.js";
import type { LiveList } from "./types.js";

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  /** List only these namespaces (one request series each); empty = all namespaces in one series. */
  namespaces: string[];
  pageSize: number;
  /** Progress callback for long lists. */
  onPage?: (info: { namespace?: string; page: number; items: number }) => void;
  /** Called when an expired continue token (410) makes the list start over. */
  onRestart?: (info: { namespace?: string; page: number }) => void;
}

/** Load credentials the way kubectl does: --kubeconfig, else KUBECONFIG (several files), ~/.kube/config, in-cluster. */
export function loadKubeConfig(opts: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UsageError(`cannot load kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ""}: ${message(err)}`);
  }
  if (!opts.kubeconfig && !env.KUBECONFIG && kc.getContexts().length === 0 && !env.KUBERNETES_SERVICE_HOST) {
    throw new UsageError("no kubeconfig found (KUBECONFIG, ~/.kube/config, in-cluster): pass --kubeconfig or --live-file");
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new UsageError(`context "${opts.context}" is not in the kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new UsageError("the kubeconfig has no current cluster: pass --context");
  return kc;
}

/** Every NetworkPolicy in scope, page by page. Any failure throws: the caller never sees a partial list. */
export async function listCluster(kc: KubeConfig, opts: ClusterOptions): Promise<LiveList> {
  const api = kc.makeApiClient(NetworkingV1Api);
  const server = kc.getCurrentCluster()?.server ?? "(unknown server)";
  const contextName = kc.getCurrentContext();
  const counter = { requests: 0 };
  const objects: Record<string, unknown>[] = [];
  const scopes = opts.namespaces.length > 0 ? opts.namespaces : [undefined];
  for (const namespace of scopes) {
    objects.push(...(await listScope(api, server, namespace, opts, counter)));
  }
  const clusterName = kc.getCurrentCluster()?.name ?? contextName;
  return { objects, cluster: clusterName || server, origin: `${server} (context ${contextName})`, requests: counter.requests };
}

async function listScope(
  api: NetworkingV1Api,
  server: string,
  namespace: string | undefined,
  opts: ClusterOptions,
  counter: { requests: number },
): Promise<Record<string, unknown>[]> {
  const call = namespace
    ? `list networkpolicies.networking.k8s.io in namespace ${namespace} at ${server}`
    : `list networkpolicies.networking.k8s.io in all namespaces at ${server}`;
  let restarted = false;
  for (;;) {
    const items: Record<string, unknown>[] = [];
    let cont: string | undefined;
    let page = 0;
    try {
      do {
        counter.requests++;
        const list: V1NetworkPolicyList = namespace
          ? await api.listNamespacedNetworkPolicy({ namespace, limit: opts.pageSize, _continue: cont })
          : await api.listNetworkPolicyForAllNamespaces({ limit: opts.pageSize, _continue: cont });
        for (const item of list.items ?? []) items.push(ObjectSerializer.serialize(item, "V1NetworkPolicy", "") as Record<string, unknown>);
        cont = list.metadata?._continue || undefined;
        opts.onPage?.({ namespace, page: ++page, items: items.length });
      } while (cont);
      return items;
    } catch (err) {
      // A continue token expires after a few minutes (410 Gone): the snapshot is gone, so restart from the
      // beginning once rather than stitch pages of two different snapshots together.
      if (err instanceof ApiException && err.code === 410 && cont !== undefined && !restarted) {
        restarted = true;
        opts.onRestart?.({ namespace, page });
        continue;
      }
      throw toLiveError(call, err);
    }
  }
}

function toLiveError(call: string, err: unknown): LiveSourceError {
  if (err instanceof ApiException) {
    const status = statusMessage(err.body) ?? err.message.split("\n")[0];
    const hint =
      err.code === 403
        ? " — the identity needs RBAC verb `list` on networkpolicies.networking.k8s.io (see deploy/clusterrole.yaml)"
        : err.code === 401
          ? " — the credentials were refused (token expired or invalid, or client certificate not trusted)"
          : "";
    return new LiveSourceError(call, `HTTP ${err.code}: ${status}${hint}`, err.code, { cause: err });
  }
  return new LiveSourceError(call, `cannot reach the API server: ${causeChain(err)}`, undefined, { cause: err });
}

function statusMessage(body: unknown): string | undefined {
  try {
    const parsed = typeof body === "string" ? (JSON.parse(body) as unknown) : body;
    if (parsed && typeof parsed === "object" && "message" in parsed) return String((parsed as { message: unknown }).message);
  } catch {
    // not a Status object: fall back to the exception text
  }
  return undefined;
}

/** fetch wraps the socket/TLS error; the useful words (ECONNREFUSED, certificate …) are in the causes. */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    if (cur instanceof Error) {
      const code = (cur as NodeJS.ErrnoException).code;
      parts.push(code && !cur.message.includes(code) ? `${cur.message} (${code})` : cur.message);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return [...new Set(parts)].join(": ");
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
