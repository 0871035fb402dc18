// Opt-in (--resolve-workloads): list namespaces and pods from the cluster. Needs RBAC `list` on namespaces and
// pods, beyond the default ServiceAccount's networkpolicies-only role: deploy/optional/workloads-reader.yaml.
// Paged like the NetworkPolicy lister (sources/live/cluster.ts), with the same once-only restart on an expired
// continue token: a pod list of a large cluster outlives a token as easily as the policy list does.
import type https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { SourceError } from "../../model/errors.js";
import { errorMessage } from "../../util/errors.js";
import { isRecord } from "../../util/values.js";
import { getJson, HttpStatusError } from "../live/request.js";
import { type ParsedWorkloads, workloadsFromObjects } from "./parse.js";

export interface WorkloadsListOptions {
  pageSize: number;
  onPage?: (info: { call: string; page: number; items: number }) => void;
  /** Called when an expired continue token (410) makes a list start over. */
  onRestart?: (info: { call: string; page: number }) => void;
}

export async function listWorkloads(
  kc: KubeConfig,
  opts: WorkloadsListOptions,
): Promise<ParsedWorkloads & { requests: number }> {
  const server = (kc.getCurrentCluster()?.server ?? "(unknown server)").replace(/\/+$/, "");
  const request: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(request);
  const counter = { requests: 0 };
  const list = (what: string, path: string) =>
    listAll({ call: `${what} at ${server}`, url: `${server}${path}`, request, opts, counter });
  const namespaces = await list("list namespaces", "/api/v1/namespaces");
  const pods = await list("list pods in all namespaces", "/api/v1/pods");
  const typed = [...namespaces.map((n) => ({ ...n, kind: "Namespace" })), ...pods.map((p) => ({ ...p, kind: "Pod" }))];
  return { ...workloadsFromObjects(typed, `cluster ${server}`), requests: counter.requests };
}

interface ListCall {
  call: string;
  url: string;
  request: https.RequestOptions;
  opts: WorkloadsListOptions;
  counter: { requests: number };
}

async function listAll({ call, url, request, opts, counter }: ListCall): Promise<Record<string, unknown>[]> {
  let restarted = false;
  for (;;) {
    const items: Record<string, unknown>[] = [];
    let cont: string | undefined;
    let page = 0;
    try {
      do {
        counter.requests++;
        const answer = await getJson(pageUrl(url, opts.pageSize, cont), request);
        if (!isRecord(answer) || !Array.isArray(answer.items)) throw new Error("the answer is not a list");
        for (const item of answer.items) if (isRecord(item)) items.push(item);
        const meta = isRecord(answer.metadata) ? answer.metadata : {};
        cont = typeof meta.continue === "string" && meta.continue ? meta.continue : undefined;
        opts.onPage?.({ call, page: ++page, items: items.length });
      } while (cont);
      return items;
    } catch (err) {
      // The snapshot a continue token names is gone (410 Gone): start over once, never stitch two snapshots.
      if (err instanceof HttpStatusError && err.code === 410 && cont !== undefined && !restarted) {
        restarted = true;
        opts.onRestart?.({ call, page });
        continue;
      }
      throw toError(call, err);
    }
  }
}

function pageUrl(base: string, limit: number, cont: string | undefined): URL {
  const url = new URL(base);
  url.searchParams.set("limit", String(limit));
  if (cont) url.searchParams.set("continue", cont);
  return url;
}

function toError(call: string, err: unknown): SourceError {
  if (err instanceof HttpStatusError) {
    const hint =
      err.code === 403
        ? " — resolving workloads (--resolve-workloads, NETPOL_DRIFT_RESOLVE_WORKLOADS) needs RBAC verb `list` on namespaces and pods: deploy/optional/workloads-reader.yaml (opt-in; the default role lists NetworkPolicies only)"
        : "";
    return new SourceError({ call, message: `HTTP ${err.code}${hint}` }, { cause: err, status: err.code });
  }
  return new SourceError({ call, message: `cannot reach the API server: ${errorMessage(err)}` }, { cause: err });
}
