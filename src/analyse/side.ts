// One side's connectivity (desired or live): which policies isolate an endpoint, and which ports a sender's
// egress and a receiver's ingress allow between two endpoints. Both ends must allow.
import type { IPBlock, Peer, Selector } from "../model/types.js";
import { blockRanges, inRanges, type IpRange } from "./cidr.js";
import { allPorts, emptyPorts, intersect, isEmpty, rulePorts, union, type PortSet } from "./ports.js";
import type { CompiledPolicy, CompiledRule } from "./rules.js";
import { matches } from "./selector.js";
import type { SideDecision } from "../model/analysis.js";
import { NAME_LABEL, type Endpoint, type Universe } from "./universe.js";

export type Direction = "ingress" | "egress";

interface RuleIndex {
  /** Policies with a rule that may select any namespace. */
  generic: CompiledPolicy[];
  /** Policies with an ipBlock peer. */
  ip: CompiledPolicy[];
  /** Policies with a rule that can only select pods of this namespace. */
  byNs: Map<string, CompiledPolicy[]>;
}

/** The only namespaces a selector can select when it pins the name label; undefined when it does not. */
export function pinnedNames(sel: Selector): string[] | undefined {
  const name = sel.matchLabels?.[NAME_LABEL];
  if (name !== undefined) return [name];
  const req = sel.matchExpressions?.find((r) => r.key === NAME_LABEL && r.operator === "In");
  return req ? (req.values ?? []) : undefined;
}

// Shared, never mutated: every port-set operation returns a new set.
const ALL = allPorts();
const NONE = emptyPorts();

export class Side {
  private readonly byNs = new Map<string, CompiledPolicy[]>();
  private readonly selecting: Record<Direction, (CompiledPolicy[] | undefined)[]>;
  private readonly blocks = new WeakMap<IPBlock, IpRange[]>();
  private readonly open: Partial<Record<Direction, Endpoint[]>> = {};
  private readonly members = new Map<CompiledPolicy, Endpoint[]>();
  private readonly index: Partial<Record<Direction, RuleIndex>> = {};
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(
    readonly policies: CompiledPolicy[],
    readonly universe: Universe,
    readonly opts: { ipBlockMatchesPods: boolean },
  ) {
    // Dense arrays indexed by endpoint id (a sparse one would fall back to a slow dictionary).
    const n = universe.endpoints.length;
    this.seen = new Uint32Array(n);
    this.selecting = {
      ingress: new Array<CompiledPolicy[] | undefined>(n).fill(undefined),
      egress: new Array<CompiledPolicy[] | undefined>(n).fill(undefined),
    };
    for (const p of policies) {
      const list = this.byNs.get(p.policy.namespace) ?? [];
      list.push(p);
      this.byNs.set(p.policy.namespace, list);
    }
  }

  /** The policies of a direction that select a pod; none for an external address (no policy applies to it). */
  selectingPolicies(direction: Direction, ep: Endpoint): CompiledPolicy[] {
    if (ep.kind === "external") return [];
    const cache = this.selecting[direction];
    let hit = cache[ep.id];
    if (!hit) {
      hit = (this.byNs.get(ep.namespace) ?? []).filter(
        (p) => p[direction] !== undefined && matches(p.policy.spec.podSelector, ep.labels),
      );
      cache[ep.id] = hit;
    }
    return hit;
  }

  /** The sender's egress towards `dst` (direction "egress") or the receiver's ingress from `src` ("ingress"). */
  sidePorts(direction: Direction, src: Endpoint, dst: Endpoint): PortSet {
    const [self, peer] = direction === "egress" ? [src, dst] : [dst, src];
    const policies = this.selectingPolicies(direction, self);
    if (policies.length === 0) return ALL;
    let out: PortSet | undefined;
    for (const p of policies) {
      for (const rule of p[direction]!) {
        if (!this.ruleMatches(rule, p.policy.namespace, peer)) continue;
        const ports = this.portsOf(rule, dst);
        out = out ? union(out, ports) : ports;
      }
    }
    return out ?? NONE;
  }

  /** Both ends must allow. `egress`, when given, is the sender's side already computed (it is the same on both sides). */
  allowed(src: Endpoint, dst: Endpoint, egress: PortSet = this.sidePorts("egress", src, dst)): PortSet {
    if (isEmpty(egress)) return egress;
    return intersect(egress, this.sidePorts("ingress", src, dst));
  }

  /** What decides one direction for these ports: the isolating policies, and the rules that allow some of them. */
  decision(direction: Direction, src: Endpoint, dst: Endpoint, ports: PortSet): SideDecision {
    const [self, peer] = direction === "egress" ? [src, dst] : [dst, src];
    const policies = this.selectingPolicies(direction, self);
    const rules = [];
    for (const p of policies) {
      for (const rule of p[direction]!) {
        if (this.ruleMatches(rule, p.policy.namespace, peer) && !isEmpty(intersect(this.portsOf(rule, dst), ports)))
          rules.push(rule.ref);
      }
    }
    return { isolated: policies.length > 0, policies: policies.map((p) => p.key), rules };
  }

  ruleMatches(rule: CompiledRule, policyNs: string, ep: Endpoint): boolean {
    if (!rule.peers) return true;
    // The effect loops hold one end fixed while the other runs over every endpoint: each rule remembers its
    // answer for the last endpoint it was asked about (rules are compiled per side, so this stays per side).
    if (rule.memoEp !== ep) {
      rule.memoEp = ep;
      rule.memoHit = rule.peers.some((peer) => this.peerMatches(peer, policyNs, ep));
    }
    return rule.memoHit!;
  }

  /**
   * The endpoints whose side of the given direction can let anything through with `fixed` at the other end:
   * senders that may reach `fixed` ("egress"), or receivers that may accept it ("ingress"). Every other
   * endpoint is selected only by policies whose rules never match `fixed`, so it allows nothing.
   */
  candidates(direction: Direction, fixed: Endpoint): Endpoint[] {
    return [...this.unselected(direction), ...this.reachedBy(direction, fixed)];
  }

  /** The selected endpoints of a direction with a rule that matches `fixed` at the other end (no duplicates). */
  reachedBy(direction: Direction, fixed: Endpoint): Endpoint[] {
    const out: Endpoint[] = [];
    const stamp = ++this.stamp;
    const index = this.indexOf(direction);
    const buckets =
      fixed.kind === "external"
        ? [index.generic, index.ip]
        : [index.generic, index.byNs.get(fixed.namespace) ?? [], ...(this.opts.ipBlockMatchesPods ? [index.ip] : [])];
    const tried = new Set<CompiledPolicy>();
    for (const p of buckets.flat()) {
      if (tried.has(p)) continue;
      tried.add(p);
      const rules = p[direction]!;
      if (!rules.some((r) => this.ruleMatches(r, p.policy.namespace, fixed))) continue;
      for (const e of this.selectedBy(p)) {
        if (this.seen[e.id] === stamp) continue;
        this.seen[e.id] = stamp;
        out.push(e);
      }
    }
    return out;
  }

  /** Policies by the namespaces their rules can select, so a fixed end is checked against few of them. */
  private indexOf(direction: Direction): RuleIndex {
    let hit = this.index[direction];
    if (hit) return hit;
    const generic = new Set<CompiledPolicy>();
    const ip = new Set<CompiledPolicy>();
    const byNs = new Map<string, Set<CompiledPolicy>>();
    const at = (ns: string, p: CompiledPolicy) => byNs.set(ns, (byNs.get(ns) ?? new Set()).add(p));
    for (const p of this.policies) {
      for (const rule of p[direction] ?? []) {
        if (!rule.peers) generic.add(p);
        for (const peer of rule.peers ?? []) {
          if (peer.ipBlock) ip.add(p);
          else if (!peer.namespaceSelector) at(p.policy.namespace, p);
          else {
            const names = pinnedNames(peer.namespaceSelector);
            if (names) for (const n of names) at(n, p);
            else generic.add(p);
          }
        }
      }
    }
    hit = { generic: [...generic], ip: [...ip], byNs: new Map([...byNs].map(([k, v]) => [k, [...v]])) };
    this.index[direction] = hit;
    return hit;
  }

  private unselected(direction: Direction): Endpoint[] {
    let hit = this.open[direction];
    if (!hit) {
      hit = this.universe.endpoints.filter((e) => this.selectingPolicies(direction, e).length === 0);
      this.open[direction] = hit;
    }
    return hit;
  }

  private selectedBy(p: CompiledPolicy): Endpoint[] {
    let hit = this.members.get(p);
    if (!hit) {
      hit = (this.universe.podsByNs.get(p.policy.namespace) ?? []).filter((e) =>
        matches(p.policy.spec.podSelector, e.labels),
      );
      this.members.set(p, hit);
    }
    return hit;
  }

  peerMatches(peer: Peer, policyNs: string, ep: Endpoint): boolean {
    if (peer.ipBlock) {
      const ranges = this.rangesOf(peer.ipBlock);
      if (ep.kind === "external") return inRanges(ranges, ep.range.family, ep.range.lo);
      return this.opts.ipBlockMatchesPods && ep.ips.some((ip) => inRanges(ranges, ip.family, ip.value));
    }
    if (ep.kind === "external") return false;
    if (!peer.podSelector && !peer.namespaceSelector) return false; // the API server rejects an empty peer
    // A podSelector alone means the policy's own namespace; with a namespaceSelector both must match.
    const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, ep.nsLabels) : ep.namespace === policyNs;
    return nsOk && (!peer.podSelector || matches(peer.podSelector, ep.labels));
  }

  private portsOf(rule: CompiledRule, dst: Endpoint): PortSet {
    if (rule.fixedPorts) return rule.fixedPorts;
    // Named ports resolve on the destination pod; an external address has no container ports.
    return rulePorts(rule.ports, dst.kind === "external" ? null : dst.ports);
  }

  private rangesOf(block: IPBlock): IpRange[] {
    let r = this.blocks.get(block);
    if (!r) {
      r = blockRanges(block);
      this.blocks.set(block, r);
    }
    return r;
  }
}
