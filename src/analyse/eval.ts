// One connection, both ends: is it allowed, and which policies and rules decide on each side.
import type { NormalizedPolicy, Protocol } from "../model/types.js";
import { parseIp } from "./cidr.js";
import { contains, singlePort } from "./ports.js";
import { compilePolicy, ruleName } from "./rules.js";
import { labelsKey, type Labels } from "./selector.js";
import { Side, type Direction } from "./side.js";
import type { AnalysisOptions } from "./types.js";
import type { ContainerPort, Workloads } from "../model/workloads.js";
import type { EvalEndpoint, EvalResult } from "../model/eval.js";
import { NAME_LABEL, type Endpoint, type Universe } from "./universe.js";

export interface EvalQuery {
  /** `namespace/pod`, `namespace/k=v,k2=v2` (a pod by its labels) or an IP address. */
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
}

export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalInputError";
  }
}

export function evaluate(
  policies: NormalizedPolicy[],
  workloads: Workloads | undefined,
  q: EvalQuery,
  options: Pick<AnalysisOptions, "ipBlockMatchesPods">,
): EvalResult {
  const notes: string[] = [];
  const src = resolve(q.from, 0, workloads, options, notes);
  const dst = resolve(q.to, 1, workloads, options, notes);
  if (src.kind === "external" && dst.kind === "external")
    throw new EvalInputError("both ends are outside the cluster: no NetworkPolicy applies");
  const universe: Universe = {
    mode: workloads ? "capture" : "representative",
    endpoints: [src, dst],
    pods: [],
    externals: [],
    podsByNs: new Map(),
    nsLabels: new Map(),
  };
  const side = new Side(policies.map(compilePolicy), universe, options);
  const probe = singlePort(q.protocol, q.port);
  const decide = (dir: Direction) => {
    const d = side.decision(dir, src, dst, probe);
    const allowed = contains(side.sidePorts(dir, src, dst), q.protocol, q.port);
    return { ...d, allowed, reason: reasonOf(dir, src, dst, d, allowed, q) };
  };
  const egress = decide("egress");
  const ingress = decide("ingress");
  if (!options.ipBlockMatchesPods) notes.push("ipBlock peers never match pod IPs (ipBlockMatchesPods=false)");
  return {
    allowed: egress.allowed && ingress.allowed,
    from: describe(src, q.from),
    to: describe(dst, q.to),
    protocol: q.protocol,
    port: q.port,
    egress,
    ingress,
    notes,
  };
}

function reasonOf(
  dir: Direction,
  src: Endpoint,
  dst: Endpoint,
  d: { isolated: boolean; policies: string[]; rules: EvalResult["egress"]["rules"] },
  allowed: boolean,
  q: EvalQuery,
): string {
  const self = dir === "egress" ? src : dst;
  if (self.kind === "external")
    return dir === "egress"
      ? "the source is outside the cluster: no egress policy applies"
      : "the destination is outside the cluster: no ingress policy applies";
  if (!d.isolated)
    return `not selected by any policy with policyTypes ${dir === "egress" ? "Egress" : "Ingress"}: open`;
  if (allowed) return `allowed by ${d.rules.map(ruleName).join(", ")}`;
  const what = `${q.protocol} ${q.port} ${dir === "egress" ? "to the destination" : "from the source"}`;
  return `selected by ${d.policies.join(", ")}; no rule allows ${what}`;
}

function resolve(
  text: string,
  id: number,
  w: Workloads | undefined,
  options: Pick<AnalysisOptions, "ipBlockMatchesPods">,
  notes: string[],
): Endpoint {
  const ip = parseIp(text);
  if (ip) {
    const pod = w?.pods.find((p) => p.ips.includes(text));
    if (!pod) return { kind: "external", id, range: { family: ip.family, lo: ip.value, hi: ip.value }, label: text };
    notes.push(`${text} is the IP of pod ${pod.namespace}/${pod.name}`);
    return podEndpoint(
      id,
      pod.namespace,
      pod.labels,
      pod.ports,
      pod.ips,
      nsLabelsOf(w, pod.namespace),
      `${pod.namespace}/${pod.name}`,
      options,
    );
  }
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1)
    throw new EvalInputError(`"${text}" is neither namespace/pod nor an IP address`);
  const ns = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  if (rest.includes("=")) {
    const labels = Object.fromEntries(
      rest.split(",").map((kv) => kv.split("=", 2).map((s) => s.trim()) as [string, string]),
    );
    if (w)
      notes.push(
        `${text}: a pod given by labels; its container ports are unknown, so named ports do not resolve on it`,
      );
    return podEndpoint(id, ns, labels, undefined, [], nsLabelsOf(w, ns), text, options);
  }
  if (!w) {
    throw new EvalInputError(
      `${text}: without --workloads a pod's labels are unknown; pass --workloads, or give the pod by its labels (${ns}/app=web,tier=front)`,
    );
  }
  const pod = w.pods.find((p) => p.namespace === ns && p.name === rest);
  if (!pod) throw new EvalInputError(`pod ${text} is not in the workloads (${w.origin})`);
  return podEndpoint(id, ns, pod.labels, pod.ports, pod.ips, nsLabelsOf(w, ns), text, options);
}

function podEndpoint(
  id: number,
  ns: string,
  labels: Labels,
  ports: ContainerPort[] | undefined,
  ips: string[],
  nsLabels: Labels,
  label: string,
  options: Pick<AnalysisOptions, "ipBlockMatchesPods">,
): Endpoint {
  const parsed = options.ipBlockMatchesPods
    ? ips.map(parseIp).filter((x): x is NonNullable<typeof x> => x !== undefined)
    : [];
  const e: Endpoint = { kind: "pod", id, namespace: ns, nsLabels, labels, ips: parsed, pods: [label], label };
  if (ports) e.ports = ports;
  return e;
}

function nsLabelsOf(w: Workloads | undefined, ns: string): Labels {
  const found = w?.namespaces.find((n) => n.name === ns);
  return { ...(found?.labels ?? {}), [NAME_LABEL]: ns };
}

function describe(e: Endpoint, text: string): EvalEndpoint {
  if (e.kind === "external") return { name: text, kind: "external" };
  return { name: e.pods[0] === text ? `${text} {${labelsKey(e.labels)}}` : text, kind: "pod" };
}
