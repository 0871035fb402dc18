// @kubernetes/client-node is pinned to 1.4.x on purpose: 2.x pulls undici 8, which needs Node 22 and crashes
// on import under Node 20 (the machines' runtime). Move to 2.x only together with the Node 22+ floor.
import https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { LiveSourceError, UsageError } from "../../model/errors.js";
import type { NormalizedPolicy } from "../../model/types.js";
import { isRecord } from "../../util/values.js";
import { getJson, HttpStatusError } from "./request.js";
import type { LivePolicies } from "./types.js";
import { errorMessage } from "../../util/errors.js";

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  /** List only these namespaces (one request series each); empty = all namespaces in one series. */
  namespaces: string[];
  pageSize: number;
  /** Each raw object → what is kept of it; called as its page arrives. */
  normalize: (raw: Record<string, unknown>) => NormalizedPolicy;
  /** Progress callback for long lists. */
  onPage?: (info: { namespace?: string; page: number; items: number }) => void;
  /** Called when an expired continue token (410) makes the list start over. */
  onRestart?: (info: { namespace?: string; page: number }) => void;
}

/** Load credentials the way kubectl does: --kubeconfig, else KUBECONFIG (several files), ~/.kube/config, in-cluster. */
export function loadKubeConfig(
  opts: { kubeconfig?: string; context?: string },
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UsageError(`cannot load kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ""}: ${errorMessage(err)}`);
  }
  if (!opts.kubeconfig && !env.KUBECONFIG && kc.getContexts().length === 0 && !env.KUBERNETES_SERVICE_HOST) {
    throw new UsageError(
      "no kubeconfig found (KUBECONFIG, ~/.kube/config, in-cluster): pass --kubeconfig or --live-file",
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new UsageError(`context "${opts.context}" is not in the kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new UsageError("the kubeconfig has no current cluster: pass --context");
  return kc;
}

/**
 * Every NetworkPolicy in scope, page by page, each normalised as its page arrives (the raw page is dropped
 * right after). Any failure throws: the caller never sees a partial list.
 *
 * The pages are plain JSON requests with the kubeconfig's TLS and credentials rather than the typed client:
 * that one turns every object into class instances and back (ObjectSerializer), which cost more than the
 * list itself at 10,000 policies.
 */
export async function listCluster(kc: KubeConfig, opts: ClusterOptions): Promise<LivePolicies> {
  const server = kc.getCurrentCluster()?.server ?? "(unknown server)";
  const contextName = kc.getCurrentContext();
  const counter = { requests: 0 };
  const request: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(request);
  const own = kc.getCurrentCluster()?.proxyUrl || !server.startsWith("https:") ? undefined : keepAliveAgent(request);
  if (own) request.agent = own;
  const policies: NormalizedPolicy[] = [];
  const scopes = opts.namespaces.length > 0 ? opts.namespaces : [undefined];
  try {
    for (const namespace of scopes) {
      for (const p of await listScope({ server, request, namespace, opts, counter })) policies.push(p);
    }
  } finally {
    own?.destroy();
  }
  const clusterName = kc.getCurrentCluster()?.name ?? contextName;
  return {
    policies,
    cluster: clusterName || server,
    origin: `${server} (context ${contextName})`,
    requests: counter.requests,
  };
}

/**
 * client-node's agent opens a new TLS connection per request; a list of many pages (and one series per
 * namespace with -n) reuses one. Proxies and plain http keep client-node's agent.
 */
function keepAliveAgent(r: https.RequestOptions): https.Agent {
  return new https.Agent({
    keepAlive: true,
    maxSockets: 1,
    ca: r.ca,
    cert: r.cert,
    key: r.key,
    pfx: r.pfx,
    passphrase: r.passphrase,
    servername: r.servername,
    ...(r.rejectUnauthorized !== undefined ? { rejectUnauthorized: r.rejectUnauthorized } : {}),
  });
}

interface ScopeCall {
  server: string;
  request: https.RequestOptions;
  namespace: string | undefined;
  opts: ClusterOptions;
  counter: { requests: number };
}

async function listScope({ server, request, namespace, opts, counter }: ScopeCall): Promise<NormalizedPolicy[]> {
  const call = namespace
    ? `list networkpolicies.networking.k8s.io in namespace ${namespace} at ${server}`
    : `list networkpolicies.networking.k8s.io in all namespaces at ${server}`;
  let restarted = false;
  for (;;) {
    const items: NormalizedPolicy[] = [];
    let cont: string | undefined;
    let page = 0;
    try {
      do {
        counter.requests++;
        const list = await getJson(pageUrl(server, namespace, opts.pageSize, cont), request);
        for (const item of listItems(list)) items.push(opts.normalize(item));
        cont = continueOf(list);
        opts.onPage?.({ namespace, page: ++page, items: items.length });
      } while (cont);
      return items;
    } catch (err) {
      // A continue token expires after a few minutes (410 Gone): the snapshot is gone, so restart from the
      // beginning once rather than stitch pages of two different snapshots together.
      if (err instanceof HttpStatusError && err.code === 410 && cont !== undefined && !restarted) {
        restarted = true;
        opts.onRestart?.({ namespace, page });
        continue;
      }
      throw toLiveError(call, err);
    }
  }
}

function pageUrl(server: string, namespace: string | undefined, limit: number, cont: string | undefined): URL {
  // A server URL may carry a path (a proxy in front of the API server): the API path goes below it.
  const base = server.replace(/\/+$/, "");
  const where = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const url = new URL(`${base}/apis/networking.k8s.io/v1${where}/networkpolicies`);
  url.searchParams.set("limit", String(limit));
  if (cont) url.searchParams.set("continue", cont);
  return url;
}

/** A NetworkPolicyList's items; anything else in a 200 answer means the answer is not what was asked for. */
function listItems(list: unknown): Record<string, unknown>[] {
  if (!isRecord(list) || !Array.isArray(list.items)) throw new Error("the answer is not a NetworkPolicyList");
  for (const item of list.items) {
    if (!isRecord(item) || !isRecord(item.metadata)) throw new Error("the answer holds an item that is not an object");
  }
  return list.items as Record<string, unknown>[];
}

function continueOf(list: unknown): string | undefined {
  const meta = isRecord(list) && isRecord(list.metadata) ? list.metadata : {};
  return typeof meta.continue === "string" && meta.continue ? meta.continue : undefined;
}

function toLiveError(call: string, err: unknown): LiveSourceError {
  if (err instanceof HttpStatusError) {
    const status = statusMessage(err.body) ?? (err.body.split("\n")[0]?.slice(0, 200) || err.message);
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
    if (parsed && typeof parsed === "object" && "message" in parsed)
      return String((parsed as { message: unknown }).message);
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
