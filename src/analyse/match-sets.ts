// Which endpoints a rule's peers match, as a set computed once per distinct peer list: a row then marks
// the few ends a rule singles out and treats every other end in bulk. Matching goes through the side's own
// peerMatches, so the sets say exactly what the pairwise check would.
import type { CompiledRule } from "./rules.js";
import { pinnedNames, type Side } from "./side.js";
import type { Endpoint, Universe } from "./universe.js";

export interface MatchSet {
  /** The rule matches every pod (every external address): those need not be listed. */
  allPods: boolean;
  allExternals: boolean;
  /** The matched endpoints not covered by the two flags. */
  list: Endpoint[];
}

const EVERYTHING: MatchSet = { allPods: true, allExternals: true, list: [] };

export class MatchSets {
  private readonly cache = new Map<string, MatchSet>();
  /** Rows ask for the same rule again and again: by identity first, the text key once per rule. */
  private readonly byRule = new WeakMap<CompiledRule, MatchSet>();

  constructor(
    private readonly side: Side,
    private readonly universe: Universe,
  ) {}

  of(rule: CompiledRule, policyNs: string): MatchSet {
    const peers = rule.peers;
    if (!peers) return EVERYTHING;
    const known = this.byRule.get(rule);
    if (known) return known;
    // Only a podSelector-only peer depends on the policy's namespace; other peer lists are shared by every
    // namespace that states them (the same DNS rule in a thousand namespaces is computed once).
    const local = peers.some((p) => !p.ipBlock && !p.namespaceSelector);
    const key = `${local ? policyNs : ""}|${JSON.stringify(peers)}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(rule, policyNs);
      this.cache.set(key, hit);
    }
    this.byRule.set(rule, hit);
    return hit;
  }

  private compute(rule: CompiledRule, policyNs: string): MatchSet {
    const u = this.universe;
    const pods = new Set<Endpoint>();
    const externals = new Set<Endpoint>();
    for (const peer of rule.peers!) {
      let candidates: readonly Endpoint[];
      if (peer.ipBlock) {
        for (const e of u.externals) if (this.side.peerMatches(peer, policyNs, e)) externals.add(e);
        candidates = this.side.opts.ipBlockMatchesPods ? u.pods : [];
      } else if (!peer.namespaceSelector) candidates = u.podsByNs.get(policyNs) ?? [];
      else {
        const names = pinnedNames(peer.namespaceSelector);
        candidates = names ? names.flatMap((n) => u.podsByNs.get(n) ?? []) : u.pods;
      }
      for (const e of candidates) if (!pods.has(e) && this.side.peerMatches(peer, policyNs, e)) pods.add(e);
    }
    const allPods = pods.size === u.pods.length;
    const allExternals = externals.size === u.externals.length;
    return { allPods, allExternals, list: [...(allPods ? [] : pods), ...(allExternals ? [] : externals)] };
  }
}
