// Concrete endpoints the invariants are decided on, with the same Side that `eval` and the effects use: an
// invariant holds when no probe connection breaks it, and a violation names the probe connection (the witness)
// and the rule that lets it through, at the line its author wrote it.
import type { NormalizedPolicy } from "../model/types.js";
import { describeRanges, formatIp, type IpRange } from "./cidr.js";
import { describePorts, isEmpty, type PortSet } from "./ports.js";
import { compilePolicy, type CompiledPolicy } from "./rules.js";
import { labelsKey, type Labels } from "./selector.js";
import { Side, type Direction } from "./side.js";
import type { RuleRef, Violation } from "../model/analysis.js";
import { NAME_LABEL, podLabel, type Endpoint, type ExternalClass, type PodClass, type Universe } from "./universe.js";

/** Endpoints are created first, then the Side is built on all of them (it sizes its caches by their ids). */
export class Probes {
  private readonly endpoints: Endpoint[] = [];
  private readonly byKey = new Map<string, Endpoint>();
  private side: Side | undefined;

  constructor(private readonly nsLabels: Map<string, Labels> | undefined) {}

  pod(namespace: string, labels: Labels): PodClass {
    const key = `pod\u0000${namespace}\u0000${labelsKey(labels)}`;
    let hit = this.byKey.get(key) as PodClass | undefined;
    if (!hit) {
      hit = {
        kind: "pod",
        id: this.endpoints.length,
        namespace,
        nsLabels: { ...(this.nsLabels?.get(namespace) ?? {}), [NAME_LABEL]: namespace },
        labels,
        ips: [],
        pods: [],
        label: podLabel(namespace, labels),
      };
      this.add(key, hit);
    }
    return hit;
  }

  external(range: IpRange): ExternalClass {
    const key = `ip\u0000${range.family}\u0000${range.lo}\u0000${range.hi}`;
    let hit = this.byKey.get(key) as ExternalClass | undefined;
    if (!hit) {
      hit = { kind: "external", id: this.endpoints.length, range, label: rangeLabel(key, range) };
      this.add(key, hit);
    }
    return hit;
  }

  /** The Side over every probe made so far; make no probe after this. */
  sideFor(policies: CompiledPolicy[], opts: { ipBlockMatchesPods: boolean }): Side {
    const pods = this.endpoints.filter((e): e is PodClass => e.kind === "pod");
    const externals = this.endpoints.filter((e): e is ExternalClass => e.kind === "external");
    const universe: Universe = {
      mode: "representative",
      endpoints: this.endpoints,
      pods,
      externals,
      podsByNs: new Map(),
      nsLabels: new Map(),
    };
    this.side = new Side(policies, universe, opts);
    return this.side;
  }

  private add(key: string, e: Endpoint): void {
    if (this.side) throw new Error("a probe was made after the Side was built");
    this.byKey.set(key, e);
    this.endpoints.push(e);
  }
}

// Every namespace probes the same few external ranges (bigint arithmetic to describe): each described once.
const RANGE_LABELS = new Map<string, string>();
function rangeLabel(key: string, range: IpRange): string {
  let label = RANGE_LABELS.get(key);
  if (label === undefined) {
    label = describeRanges([range]);
    if (RANGE_LABELS.size >= 10_000) RANGE_LABELS.clear();
    RANGE_LABELS.set(key, label);
  }
  return label;
}

export function compileAll(policies: NormalizedPolicy[]): {
  compiled: CompiledPolicy[];
  byKey: Map<string, NormalizedPolicy>;
} {
  return {
    compiled: policies.map(compilePolicy),
    byKey: new Map(policies.map((p) => [`${p.namespace}/${p.name}`, p])),
  };
}

/** A connection as a violation names it. Ports: the first protocol with something in the set. */
export function witnessOf(from: Endpoint, to: Endpoint, ports: PortSet): NonNullable<Violation["witness"]> {
  const first = isEmpty(ports) ? { protocol: "any" as const, ports: "none" } : describePorts(ports)[0]!;
  return { from: addressOf(from), to: addressOf(to), protocol: first.protocol, ports: first.ports };
}

/** A pod class by its label; an address range by one address in it (not its network address, when it has more). */
function addressOf(e: Endpoint): string {
  if (e.kind === "pod") return e.label;
  const { family, lo, hi } = e.range;
  return formatIp(family, hi > lo ? lo + 1n : lo);
}

export function witnessText(w: NonNullable<Violation["witness"]>): string {
  return `${w.from} → ${w.to} ${w.protocol === "any" ? "any protocol, all ports" : `${w.protocol} ${w.ports}`}`;
}

/** Where a rule is: its own line when the source recorded it, else the policy's. */
export function ruleWhere(
  p: NormalizedPolicy,
  ref: { direction: Direction; index?: number },
): { file?: string; line?: number } {
  const out: { file?: string; line?: number } = {};
  if (p.origin.file) out.file = p.origin.file;
  const own = ref.index === undefined ? undefined : p.origin.rules?.[ref.direction]?.[ref.index];
  const line = own ?? p.origin.line;
  if (line) out.line = line;
  return out;
}

export function ruleLabel(ref: RuleRef): string {
  return `${ref.direction}[${ref.index ?? 0}]`;
}

/** The rules of one side that let `ports` through from src to dst, in the direction asked. */
export function responsible(side: Side, dir: Direction, src: Endpoint, dst: Endpoint, ports: PortSet): RuleRef[] {
  return side.decision(dir, src, dst, ports).rules;
}
