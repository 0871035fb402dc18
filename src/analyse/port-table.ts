// Port sets interned to small integers, with memoised set operations. The effect loops compare and combine
// the same few port sets millions of times on a large cluster; by id that costs a map lookup, not an
// allocation per pair.
import {
  allPorts,
  emptyPorts,
  intersect,
  isEmpty,
  portsKey,
  rulePorts,
  subtract,
  union,
  withoutNames,
  type PortSet,
} from "./ports.js";
import type { CompiledRule } from "./rules.js";
import type { Endpoint } from "./universe.js";

// Ids stay far below 2^21, so two of them pack into one exact double key.
const SHIFT = 2 ** 21;

/** Two port-set ids as one exact map key (the rows key their groups by opened and closed ports). */
export function pairKey(a: number, b: number): number {
  return a * SHIFT + b;
}

export class PortTable {
  private readonly sets: PortSet[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly ops = {
    union: new Map<number, number>(),
    inter: new Map<number, number>(),
    minus: new Map<number, number>(),
  };
  private readonly fixed = new WeakMap<CompiledRule, number>();
  private readonly named = new WeakMap<CompiledRule, Map<unknown, number>>();
  readonly NONE: number;
  readonly ALL: number;

  /** `resolved`: named ports were resolved to numbers (workloads given), so a set's names carry no meaning. */
  constructor(private readonly resolved: boolean) {
    this.NONE = this.id(emptyPorts());
    this.ALL = this.id(allPorts());
  }

  id(raw: PortSet): number {
    const s = this.resolved ? withoutNames(raw) : raw;
    const key = portsKey(s);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(s);
      this.byKey.set(key, id);
    }
    return id;
  }

  get(id: number): PortSet {
    return this.sets[id]!;
  }

  isEmpty(id: number): boolean {
    return id === this.NONE;
  }

  union(a: number, b: number): number {
    if (a === b || b === this.NONE || a === this.ALL) return a;
    if (a === this.NONE || b === this.ALL) return b;
    return this.op(this.ops.union, Math.min(a, b), Math.max(a, b), union);
  }

  inter(a: number, b: number): number {
    if (a === b || b === this.ALL) return a;
    if (a === this.ALL) return b;
    if (a === this.NONE || b === this.NONE) return this.NONE;
    return this.op(this.ops.inter, Math.min(a, b), Math.max(a, b), intersect);
  }

  minus(a: number, b: number): number {
    if (a === b || a === this.NONE || b === this.ALL) return this.NONE;
    if (b === this.NONE) return a;
    return this.op(this.ops.minus, a, b, subtract);
  }

  /** A rule's ports as seen by one destination (named ports resolve on its container ports). */
  rulePorts(rule: CompiledRule, dst: Endpoint): number {
    if (rule.fixedPorts) {
      let id = this.fixed.get(rule);
      if (id === undefined) {
        id = this.id(rule.fixedPorts);
        this.fixed.set(rule, id);
      }
      return id;
    }
    const dstPorts = dst.kind === "external" ? null : dst.ports;
    let byDst = this.named.get(rule);
    if (!byDst) {
      byDst = new Map();
      this.named.set(rule, byDst);
    }
    // Classes share their container-port arrays only by chance; key by identity (undefined/null included).
    let id = byDst.get(dstPorts);
    if (id === undefined) {
      id = this.id(rulePorts(rule.ports, dstPorts));
      byDst.set(dstPorts, id);
    }
    return id;
  }

  private op(memo: Map<number, number>, a: number, b: number, f: (x: PortSet, y: PortSet) => PortSet): number {
    const key = pairKey(a, b);
    let id = memo.get(key);
    if (id === undefined) {
      const out = f(this.sets[a]!, this.sets[b]!);
      id = isEmpty(out) ? this.NONE : this.id(out);
      memo.set(key, id);
    }
    return id;
  }
}
