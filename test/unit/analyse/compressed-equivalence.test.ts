// The compressed effects say exactly what a pair-by-pair evaluation says. On random small clusters (fixed
// seed), every flow is expanded back to (namespace charged, change, source, destination, protocol, port) and
// compared as a set with a reference evaluator written here from the NetworkPolicy rules, independent of the
// analysis code: a pair and port is charged to the sender's namespace where its egress flipped and to the
// receiver's where its ingress flipped.
import { describe, expect, it } from "vitest";
import { parseCidr, parseIp } from "../../../src/analyse/cidr.js";
import { computeEffects } from "../../../src/analyse/effects.js";
import type { Flow, FlowEnd } from "../../../src/model/analysis.js";
import type { Workloads } from "../../../src/model/workloads.js";
import { buildUniverse } from "../../../src/analyse/universe.js";
import type { NormalizedPolicy } from "../../../src/model/types.js";
import { pol } from "./helpers.js";

type Labels = Record<string, string>;
type Proto = "TCP" | "UDP" | "SCTP";
interface RawPolicy {
  namespace: string;
  name: string;
  spec: Record<string, any>;
}
interface Pod {
  ns: string;
  name: string;
  labels: Labels;
  ports: { name: string; port: number; protocol: Proto }[];
  ip: string;
  nsLabels?: Labels;
}
type End = { kind: "pod"; pod: Pod } | { kind: "ip"; ip: string };

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME = "kubernetes.io/metadata.name";
const NAMESPACES: Record<string, Labels> = { a: { team: "x" }, b: { team: "y" }, c: { team: "x" }, d: {} };
const CIDRS = [{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }, { cidr: "203.0.113.0/24" }, { cidr: "0.0.0.0/0" }];
const PROBE_IPS = ["8.8.8.8", "10.0.0.5", "10.1.2.3", "203.0.113.9", "2001:db8::1"];
const PROBE_PORTS: [Proto, number][] = [
  ["TCP", 1],
  ["TCP", 53],
  ["TCP", 79],
  ["TCP", 80],
  ["TCP", 81],
  ["TCP", 443],
  ["TCP", 8080],
  ["TCP", 8081],
  ["TCP", 65535],
  ["UDP", 53],
  ["UDP", 54],
  ["UDP", 5000],
  ["SCTP", 7000],
  ["SCTP", 1],
];

function generate(seed: number, named = true) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const pods: Pod[] = [];
  let n = 0;
  for (const ns of Object.keys(NAMESPACES)) {
    const count = 1 + Math.floor(r() * 3);
    for (let i = 0; i < count; i++) {
      const app = pick(["web", "db", "cli"]);
      const ports = [
        { name: "http", port: pick([80, 8080]), protocol: "TCP" as Proto },
        ...(r() < 0.5 ? [{ name: "dns", port: 53, protocol: "UDP" as Proto }] : []),
      ];
      pods.push({
        ns,
        name: `${app}-${i}`,
        labels: { app, ...(r() < 0.3 ? { tier: "edge" } : {}) },
        ports,
        ip: `10.${n % 3}.0.${++n}`,
      });
    }
  }
  const selector = (): Record<string, any> =>
    pick([
      {},
      { matchLabels: { app: pick(["web", "db", "cli"]) } },
      { matchExpressions: [{ key: "app", operator: pick(["In", "NotIn"]), values: [pick(["web", "db"])] }] },
      { matchExpressions: [{ key: "tier", operator: pick(["Exists", "DoesNotExist"]) }] },
    ]);
  const nsSelector = (): Record<string, any> =>
    pick([{}, { matchLabels: { team: pick(["x", "y"]) } }, { matchLabels: { [NAME]: pick(Object.keys(NAMESPACES)) } }]);
  const peer = (): Record<string, any> =>
    pick([
      () => ({ podSelector: selector() }),
      () => ({ namespaceSelector: nsSelector() }),
      () => ({ namespaceSelector: nsSelector(), podSelector: selector() }),
      () => ({ ipBlock: pick(CIDRS) }),
    ])();
  const port = (): Record<string, any> =>
    pick([
      () => ({ protocol: "TCP", port: 80 }),
      () => ({ port: 8000, endPort: 8080 }),
      () => (named ? { port: "http" } : { port: 8080 }),
      () => (named ? { protocol: "UDP", port: "dns" } : { protocol: "UDP", port: 53 }),
      () => ({ protocol: "UDP" }),
      () => ({ protocol: "SCTP", port: 7000 }),
      () => ({ port: 443 }),
    ])();
  const rule = (dir: "ingress" | "egress") => ({
    ...(r() < 0.8
      ? { [dir === "ingress" ? "from" : "to"]: Array.from({ length: 1 + Math.floor(r() * 2) }, peer) }
      : {}),
    ...(r() < 0.7 ? { ports: Array.from({ length: 1 + Math.floor(r() * 2) }, port) } : {}),
  });
  const policy = (ns: string, name: string): RawPolicy => {
    const types = pick([["Ingress"], ["Egress"], ["Ingress", "Egress"]]);
    const spec: Record<string, any> = { podSelector: selector(), policyTypes: types };
    for (const t of types) {
      const dir = t === "Ingress" ? "ingress" : "egress";
      spec[dir] = Array.from({ length: Math.floor(r() * 3) }, () => rule(dir));
    }
    return { namespace: ns, name, spec };
  };
  const desired: RawPolicy[] = [];
  for (const ns of Object.keys(NAMESPACES))
    for (let i = 0; i < Math.floor(r() * 3); i++) desired.push(policy(ns, `p${i}`));
  // Live: some policies dropped, some replaced, some added.
  const live: RawPolicy[] = [];
  for (const p of desired) {
    const roll = r();
    if (roll < 0.15) continue;
    live.push(roll < 0.45 ? policy(p.namespace, p.name) : p);
  }
  for (let i = 0; i < Math.floor(r() * 3); i++) live.push(policy(pick(Object.keys(NAMESPACES)), `extra${i}`));
  return { pods, desired, live };
}

// ---- The reference: NetworkPolicy semantics, pair by pair. ----
function selects(sel: Record<string, any>, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = k(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}
const k = (o: object, key: string) => Object.hasOwn(o, key);

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  const a = parseIp(ip)!;
  const within = (c: string) => {
    const range = parseCidr(c)!;
    return range.family === a.family && range.lo <= a.value && a.value <= range.hi;
  };
  return within(block.cidr) && !(block.except ?? []).some(within);
}

function peerMatches(peer: Record<string, any>, policyNs: string, end: End, ipPods: boolean): boolean {
  if (peer.ipBlock)
    return end.kind === "ip" ? inBlock(end.ip, peer.ipBlock) : ipPods && inBlock(end.pod.ip, peer.ipBlock);
  if (end.kind !== "pod") return false;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, end.pod.nsLabels ?? { ...NAMESPACES[end.pod.ns], [NAME]: end.pod.ns })
    : end.pod.ns === policyNs;
  return nsOk && (!peer.podSelector || selects(peer.podSelector, end.pod.labels));
}

function portMatches(ports: Record<string, any>[] | undefined, proto: Proto, port: number, dst: End): boolean {
  if (!ports) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== proto) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "number") return p.port <= port && port <= (p.endPort ?? p.port);
    return (
      dst.kind === "pod" && dst.pod.ports.some((c) => c.name === p.port && c.protocol === proto && c.port === port)
    );
  });
}

/** Does `self`'s side of direction `dir` let (src → dst, proto, port) through under these policies? */
function sideAllows(
  policies: RawPolicy[],
  dir: "ingress" | "egress",
  src: End,
  dst: End,
  proto: Proto,
  port: number,
  ipPods: boolean,
): boolean {
  const self = dir === "egress" ? src : dst;
  const peer = dir === "egress" ? dst : src;
  if (self.kind !== "pod") return true;
  const type = dir === "egress" ? "Egress" : "Ingress";
  const selecting = policies.filter(
    (p) =>
      p.namespace === self.pod.ns && p.spec.policyTypes.includes(type) && selects(p.spec.podSelector, self.pod.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec[dir] ?? []).some((rule: Record<string, any>) => {
      const peers = rule[dir === "egress" ? "to" : "from"];
      return (
        (!peers || peers.some((x: Record<string, any>) => peerMatches(x, p.namespace, peer, ipPods))) &&
        portMatches(rule.ports, proto, port, dst)
      );
    }),
  );
}

const endName = (e: End) => (e.kind === "pod" ? `${e.pod.ns}/${e.pod.name}` : e.ip);

function reference(
  pods: Pod[],
  desired: RawPolicy[],
  live: RawPolicy[],
  drifted: Set<string>,
  ipPods: boolean,
): Set<string> {
  const ends: End[] = [
    ...pods.map((pod) => ({ kind: "pod" as const, pod })),
    ...PROBE_IPS.map((ip) => ({ kind: "ip" as const, ip })),
  ];
  const out = new Set<string>();
  for (const src of ends) {
    for (const dst of ends) {
      if (src.kind === "ip" && dst.kind === "ip") continue;
      for (const [proto, port] of PROBE_PORTS) {
        const ed = sideAllows(desired, "egress", src, dst, proto, port, ipPods);
        const id = sideAllows(desired, "ingress", src, dst, proto, port, ipPods);
        const el = sideAllows(live, "egress", src, dst, proto, port, ipPods);
        const il = sideAllows(live, "ingress", src, dst, proto, port, ipPods);
        const before = ed && id;
        const after = el && il;
        if (before === after) continue;
        const change = after ? "opened" : "closed";
        const tail = `${change}|${endName(src)}|${endName(dst)}|${proto}|${port}`;
        // The side that flipped: it was closed and is open (opened), or the reverse (closed).
        if (src.kind === "pod" && drifted.has(src.pod.ns) && ed !== el) out.add(`${src.pod.ns}|${tail}`);
        if (dst.kind === "pod" && drifted.has(dst.pod.ns) && id !== il) out.add(`${dst.pod.ns}|${tail}`);
      }
    }
  }
  return out;
}

// ---- The compressed flows, expanded back to pairs. ----
function expandEnd(end: FlowEnd, pods: Pod[], podsOfClass: Map<string, Pod[]>): End[] {
  const out = new Set<string>();
  const all = end.namespaces?.includes("*");
  if (all) {
    const exceptNs = new Set(end.except?.namespaces ?? []);
    const exceptPods = new Set(
      (end.except?.pods ?? []).flatMap((l) => classPods(l, podsOfClass)).map((p) => `${p.ns}/${p.name}`),
    );
    for (const p of pods) if (!exceptNs.has(p.ns) && !exceptPods.has(`${p.ns}/${p.name}`)) out.add(`${p.ns}/${p.name}`);
  } else {
    for (const p of pods) if (end.namespaces?.includes(p.ns)) out.add(`${p.ns}/${p.name}`);
  }
  for (const l of end.pods ?? []) for (const p of classPods(l, podsOfClass)) out.add(`${p.ns}/${p.name}`);
  const result: End[] = pods.filter((p) => out.has(`${p.ns}/${p.name}`)).map((pod) => ({ kind: "pod", pod }));
  for (const ip of PROBE_IPS) if ((end.addresses ?? []).some((a) => inRange(ip, a))) result.push({ kind: "ip", ip });
  return result;
}

function classPods(label: string, podsOfClass: Map<string, Pod[]>): Pod[] {
  const hit = podsOfClass.get(label);
  if (!hit) throw new Error(`flow names an unknown pod class ${label}`);
  return hit;
}

function inRange(ip: string, text: string): boolean {
  const a = parseIp(ip)!;
  if (text.includes("/")) {
    const r = parseCidr(text)!;
    return r.family === a.family && r.lo <= a.value && a.value <= r.hi;
  }
  const [lo, hi] = text.split("-").map((t) => parseIp(t)!);
  return lo!.family === a.family && lo!.value <= a.value && a.value <= hi!.value;
}

function portsOf(f: Flow): [Proto, number][] {
  return PROBE_PORTS.filter(([proto, port]) => {
    if (f.protocol !== "any" && f.protocol !== proto) return false;
    if (f.ports === "all") return true;
    return f.ports.split(", ").some((part) => {
      const [lo, hi] = part.split("-").map(Number);
      return lo! <= port && port <= (hi ?? lo)!;
    });
  });
}

function compressed(pods: Pod[], desired: RawPolicy[], live: RawPolicy[], drifted: string[], ipPods = false) {
  const norm = (ps: RawPolicy[]): NormalizedPolicy[] => ps.map((p) => pol(p.namespace, p.name, p.spec));
  const w: Workloads = {
    namespaces: Object.entries(NAMESPACES).map(([name, labels]) => ({ name, labels: { ...labels, [NAME]: name } })),
    pods: pods.map((p) => ({ namespace: p.ns, name: p.name, labels: p.labels, ports: p.ports, ips: [p.ip] })),
    origin: "test",
  };
  const d = norm(desired);
  const l = norm(live);
  const { effects } = computeEffects({
    desired: d,
    live: l,
    namespaces: drifted,
    workloads: w,
    options: { ipBlockMatchesPods: ipPods },
  });
  // Class label → its pods, from the same universe the analysis builds.
  const universe = buildUniverse([...d, ...l], w, { ipBlockMatchesPods: ipPods });
  const podsOfClass = new Map<string, Pod[]>();
  for (const c of universe.pods) {
    expect(podsOfClass.has(c.label), `class label ${c.label} is ambiguous`).toBe(false);
    podsOfClass.set(
      c.label,
      c.pods.map((name) => pods.find((p) => p.ns === c.namespace && p.name === name)!),
    );
  }
  const out: string[] = [];
  for (const e of effects) {
    for (const [change, flows] of [
      ["opened", e.opened],
      ["closed", e.closed],
    ] as const) {
      for (const f of flows) {
        for (const src of expandEnd(f.from!, pods, podsOfClass)) {
          for (const dst of expandEnd(f.to!, pods, podsOfClass)) {
            for (const [proto, port] of portsOf(f))
              out.push(`${e.namespace}|${change}|${endName(src)}|${endName(dst)}|${proto}|${port}`);
          }
        }
      }
    }
  }
  return { tuples: out, effects };
}

let representativeTuples = 0;

describe("compressed effects = pairwise evaluation", () => {
  const seeds = Array.from({ length: 80 }, (_, i) => 1000 + i);
  const cases = [
    ...seeds.map((seed) => [seed, false] as const),
    ...seeds.slice(0, 30).map((seed) => [seed + 1000, true] as const),
  ];
  it.each(cases)("random cluster, seed %i, ipBlock matches pods: %s", (seed, ipPods) => {
    const { pods, desired, live } = generate(seed);
    const key = (ps: RawPolicy[], ns: string) =>
      JSON.stringify(ps.filter((p) => p.namespace === ns).sort((x, y) => x.name.localeCompare(y.name)));
    const drifted = Object.keys(NAMESPACES).filter((ns) => key(desired, ns) !== key(live, ns));
    const { tuples, effects } = compressed(pods, desired, live, drifted, ipPods);
    const expected = reference(pods, desired, live, new Set(drifted), ipPods);
    expect([...new Set(tuples)].sort()).toEqual([...expected].sort());
    // No pair and port is listed twice under one namespace.
    expect(tuples.length).toBe(new Set(tuples).size);
    for (const e of effects)
      expect(e.effect).toBe(
        e.opened.length && e.closed.length
          ? "changes"
          : e.opened.length
            ? "widens"
            : e.closed.length
              ? "narrows"
              : "none",
      );
  });

  // A first night: nothing in git, every namespace drifted. Every changed end's row then takes most other ends
  // in bulk, by background class, less the ends its rules name (row-background.ts, pod-set.ts).
  it.each(seeds.slice(0, 30).map((s) => s + 5000))("first night (nothing desired), seed %i", (seed) => {
    const { pods, live } = generate(seed);
    const drifted = Object.keys(NAMESPACES);
    const { tuples } = compressed(pods, [], live, drifted);
    expect([...new Set(tuples)].sort()).toEqual([...reference(pods, [], live, new Set(drifted), false)].sort());
    expect(tuples.length).toBe(new Set(tuples).size);
  });

  // Without workloads the analysis reasons on representative pods (one per label combination the selectors
  // mention, per namespace, plus anonymous namespaces per namespace selector and "(other)"): the reference
  // runs on those same representatives, without named ports (they stay symbolic there).
  it.each(seeds.slice(0, 40).map((s) => s + 3000))("representatives, seed %i", (seed) => {
    const { desired, live } = generate(seed, false);
    const norm = (ps: RawPolicy[]): NormalizedPolicy[] => ps.map((p) => pol(p.namespace, p.name, p.spec));
    const d = norm(desired);
    const l = norm(live);
    const drifted = Object.keys(NAMESPACES);
    const universe = buildUniverse([...d, ...l], undefined, { ipBlockMatchesPods: false });
    const pods: Pod[] = universe.pods.map((c) => ({
      ns: c.namespace,
      name: c.label,
      labels: c.labels,
      ports: [],
      ip: "",
      nsLabels: c.nsLabels,
    }));
    const podsOfClass = new Map(pods.map((p) => [p.name, [p]]));
    const { effects } = computeEffects({
      desired: d,
      live: l,
      namespaces: drifted,
      options: { ipBlockMatchesPods: false },
    });
    const out = new Set<string>();
    for (const e of effects) {
      for (const [change, flows] of [
        ["opened", e.opened],
        ["closed", e.closed],
      ] as const) {
        for (const f of flows) {
          for (const src of expandEnd(f.from!, pods, podsOfClass)) {
            for (const dst of expandEnd(f.to!, pods, podsOfClass))
              for (const [proto, port] of portsOf(f))
                out.add(`${e.namespace}|${change}|${endName(src)}|${endName(dst)}|${proto}|${port}`);
          }
        }
      }
    }
    expect([...out].sort()).toEqual([...reference(pods, desired, live, new Set(drifted), false)].sort());
    representativeTuples += out.size;
  });

  it("the generator produces clusters with effects of every kind (the comparison is not vacuous)", () => {
    const kinds = new Set<string>();
    let tuples = 0;
    for (const seed of seeds) {
      const { pods, desired, live } = generate(seed);
      const drifted = Object.keys(NAMESPACES);
      const r = compressed(pods, desired, live, drifted);
      tuples += r.tuples.length;
      for (const e of r.effects) kinds.add(e.effect);
    }
    expect([...kinds].sort()).toEqual(["changes", "narrows", "none", "widens"]);
    // it.each runs in order, so the representative cases above have run.
    expect(representativeTuples).toBeGreaterThan(1000);
    expect(tuples).toBeGreaterThan(1000);
  });
});
