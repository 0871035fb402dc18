// The endpoints connectivity is computed on: pod classes (pods no selector can tell apart share one) and
// external address ranges. From a workloads capture, or, without one, representatives of the label
// combinations the selectors mention.
import type { NormalizedPolicy, Peer, Selector } from "../model/types.js";
import { atomsOf, describeRanges, inRanges, parseIp, type Family, type IpRange } from "./cidr.js";
import { canonicalSelector } from "./rules.js";
import { labelsKey, matches, representativesOf, selectorKeys, type Labels } from "./selector.js";
import type { ContainerPort, Workloads } from "../model/workloads.js";

export const NAME_LABEL = "kubernetes.io/metadata.name";

export interface PodClass {
  kind: "pod";
  id: number;
  namespace: string;
  nsLabels: Labels;
  labels: Labels;
  /** Container ports; undefined when unknown (representatives), so named ports stay symbolic. */
  ports?: ContainerPort[];
  ips: { family: Family; value: bigint }[];
  /** Pod names in the class (capture only). */
  pods: string[];
  label: string;
}

export interface ExternalClass {
  kind: "external";
  id: number;
  range: IpRange;
  label: string;
}

export type Endpoint = PodClass | ExternalClass;

export interface Universe {
  mode: "capture" | "representative";
  endpoints: Endpoint[];
  pods: PodClass[];
  externals: ExternalClass[];
  podsByNs: Map<string, PodClass[]>;
  /** Every namespace the analysis knows, with its labels. */
  nsLabels: Map<string, Labels>;
}

export function podLabel(namespace: string, labels: Labels): string {
  return `ns:${namespace}/pod:${labelsKey(labels) || "(other)"}`;
}

export function buildUniverse(
  policies: NormalizedPolicy[],
  workloads: Workloads | undefined,
  opts: { ipBlockMatchesPods: boolean },
): Universe {
  const cidrs = policies.flatMap((p) =>
    peersOf(p).flatMap((x) => (x.peer.ipBlock ? [x.peer.ipBlock.cidr, ...(x.peer.ipBlock.except ?? [])] : [])),
  );
  const atoms = atomsOf(cidrs);
  const pods = workloads
    ? captureClasses(policies, workloads, atoms, opts.ipBlockMatchesPods)
    : representativeClasses(policies);
  const universe: Universe = {
    mode: workloads ? "capture" : "representative",
    endpoints: [],
    pods: pods.classes,
    externals: [],
    podsByNs: new Map(),
    nsLabels: pods.nsLabels,
  };
  for (const c of pods.classes) {
    c.id = universe.endpoints.length;
    universe.endpoints.push(c);
    const list = universe.podsByNs.get(c.namespace) ?? [];
    list.push(c);
    universe.podsByNs.set(c.namespace, list);
  }
  for (const range of atoms) {
    const ext: ExternalClass = {
      kind: "external",
      id: universe.endpoints.length,
      range,
      label: describeRanges([range]),
    };
    universe.endpoints.push(ext);
    universe.externals.push(ext);
  }
  return universe;
}

export interface PeerSite {
  peer: Peer;
  direction: "ingress" | "egress";
}

export function peersOf(p: NormalizedPolicy): PeerSite[] {
  const out: PeerSite[] = [];
  for (const r of p.spec.ingress ?? []) for (const peer of r.from ?? []) out.push({ peer, direction: "ingress" });
  for (const r of p.spec.egress ?? []) for (const peer of r.to ?? []) out.push({ peer, direction: "egress" });
  return out;
}

function captureClasses(policies: NormalizedPolicy[], w: Workloads, atoms: IpRange[], ipMatters: boolean) {
  const keys = new Set<string>();
  for (const p of policies) {
    selectorKeys(p.spec.podSelector).forEach((k) => keys.add(k));
    for (const { peer } of peersOf(p)) if (peer.podSelector) selectorKeys(peer.podSelector).forEach((k) => keys.add(k));
  }
  const nsLabels = new Map<string, Labels>();
  for (const ns of w.namespaces) nsLabels.set(ns.name, { ...ns.labels, [NAME_LABEL]: ns.name });
  const byKey = new Map<string, PodClass>();
  for (const pod of w.pods) {
    if (!nsLabels.has(pod.namespace)) nsLabels.set(pod.namespace, { [NAME_LABEL]: pod.namespace });
    const labels: Labels = {};
    for (const k of Object.keys(pod.labels).sort()) if (keys.has(k)) labels[k] = pod.labels[k]!;
    const named = pod.ports
      .filter((c) => c.name)
      .sort((a, b) => `${a.name}/${a.protocol}`.localeCompare(`${b.name}/${b.protocol}`));
    const ips = ipMatters ? pod.ips.map(parseIp).filter((x): x is NonNullable<typeof x> => x !== undefined) : [];
    // Pod IPs only tell pods apart when an ipBlock may match them; then the CIDR atom is what matters.
    const ipKey = ipMatters
      ? ips.map((ip) => atoms.findIndex((a) => inRanges([a], ip.family, ip.value))).join(",")
      : "";
    const key = `${pod.namespace}\u0000${labelsKey(labels)}\u0000${named.map((c) => `${c.name}/${c.protocol}/${c.port}`).join(",")}\u0000${ipKey}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.pods.push(pod.name);
      continue;
    }
    byKey.set(key, {
      kind: "pod",
      id: 0,
      namespace: pod.namespace,
      nsLabels: nsLabels.get(pod.namespace)!,
      labels,
      ports: named,
      ips: ipMatters ? ips : [],
      pods: [pod.name],
      label: podLabel(pod.namespace, labels),
    });
  }
  const classes = [...byKey.values()];
  distinctLabels(classes);
  return { classes, nsLabels };
}

/**
 * Pods with the same labels are still told apart by their named container ports (and, when ipBlocks may
 * match pods, their addresses): such classes get the named ports in their label, then their pod names,
 * so no two classes read the same.
 */
function distinctLabels(classes: PodClass[]): void {
  const relabel = (describe: (c: PodClass) => string) => {
    const byLabel = new Map<string, PodClass[]>();
    for (const c of classes) byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), c]);
    for (const same of byLabel.values())
      if (same.length > 1) for (const c of same) c.label = `${c.label}${describe(c)}`;
  };
  relabel(
    (c) =>
      `[${(c.ports ?? []).map((p) => `${p.name}=${p.port}${p.protocol === "TCP" ? "" : `/${p.protocol}`}`).join(",") || "no named ports"}]`,
  );
  relabel((c) => `{${[...c.pods].sort().join(",")}}`);
}

/** No workloads: the namespaces the policies live in or name, anonymous ones per namespace selector, one "other". */
function representativeClasses(policies: NormalizedPolicy[]) {
  const nsLabels = new Map<string, Labels>();
  const addNs = (name: string, extra: Labels = {}) =>
    nsLabels.set(name, { ...extra, ...(nsLabels.get(name) ?? {}), [NAME_LABEL]: name });
  for (const p of policies) addNs(p.namespace);
  const nsSelectors = new Map<string, { sel: Selector; podSels: Map<string, Selector> }>();
  const localPodSels = new Map<string, Map<string, Selector>>();
  const addSel = (map: Map<string, Selector>, sel: Selector) => map.set(canonicalSelector(sel), sel);
  for (const p of policies) {
    const local = localPodSels.get(p.namespace) ?? new Map<string, Selector>();
    localPodSels.set(p.namespace, local);
    addSel(local, p.spec.podSelector);
    for (const { peer } of peersOf(p)) {
      if (peer.namespaceSelector) {
        const key = canonicalSelector(peer.namespaceSelector);
        const entry = nsSelectors.get(key) ?? { sel: peer.namespaceSelector, podSels: new Map() };
        nsSelectors.set(key, entry);
        if (peer.podSelector) addSel(entry.podSels, peer.podSelector);
      } else if (peer.podSelector) addSel(local, peer.podSelector);
    }
  }
  for (const { sel } of nsSelectors.values()) {
    for (const rep of representativesOf(sel)) {
      const name = rep[NAME_LABEL];
      if (name) addNs(name, rep);
      else if (Object.keys(rep).length > 0) addNs(`[${labelsKey(rep)}]`, rep);
    }
  }
  addNs("(other)");
  const classes: PodClass[] = [];
  for (const [ns, labels] of nsLabels) {
    const sels = new Map(localPodSels.get(ns) ?? []);
    for (const { sel, podSels } of nsSelectors.values())
      if (matches(sel, labels)) for (const [k, s] of podSels) sels.set(k, s);
    const reps = new Map<string, Labels>([["", {}]]);
    for (const sel of sels.values()) for (const rep of representativesOf(sel)) reps.set(labelsKey(rep), rep);
    for (const rep of reps.values()) {
      classes.push({
        kind: "pod",
        id: 0,
        namespace: ns,
        nsLabels: labels,
        labels: rep,
        ips: [],
        pods: [],
        label: podLabel(ns, rep),
      });
    }
  }
  return { classes, nsLabels };
}
