// Port sets per protocol: numeric intervals plus named ports. Named ports stay symbolic only when the
// destination's container ports are unknown (representative workloads); with workloads they are resolved
// before they get here. A name is then a point of its own, disjoint from every number.
import type { Port, Protocol } from "../model/types.js";
import type { ContainerPort } from "../model/workloads.js";

export const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];
const MIN = 1;
const MAX = 65535;

type Range = [number, number];
/** A set of names, or (co) every name except these. */
interface Names {
  co: boolean;
  set: ReadonlySet<string>;
}

export interface ProtoSet {
  ranges: Range[];
  names: Names;
}

export type PortSet = Record<Protocol, ProtoSet>;

const NO_NAMES: Names = { co: false, set: new Set() };
const ALL_NAMES: Names = { co: true, set: new Set() };

const emptyProto = (): ProtoSet => ({ ranges: [], names: NO_NAMES });
const fullProto = (): ProtoSet => ({ ranges: [[MIN, MAX]], names: ALL_NAMES });

export const emptyPorts = (): PortSet => ({ TCP: emptyProto(), UDP: emptyProto(), SCTP: emptyProto() });
export const allPorts = (): PortSet => ({ TCP: fullProto(), UDP: fullProto(), SCTP: fullProto() });

export function singlePort(protocol: Protocol, port: number): PortSet {
  const out = emptyPorts();
  out[protocol] = { ranges: [[port, port]], names: NO_NAMES };
  return out;
}

/**
 * The ports of a rule as seen for one destination. `dstPorts` undefined = the destination's container ports
 * are unknown (names stay symbolic); `null` = it has none (an external address: a name matches nothing).
 */
export function rulePorts(ports: Port[] | undefined, dstPorts: ContainerPort[] | undefined | null): PortSet {
  if (!ports) return allPorts();
  let out = emptyPorts();
  for (const p of ports) out = union(out, portEntry(p, dstPorts));
  return out;
}

function portEntry(p: Port, dstPorts: ContainerPort[] | undefined | null): PortSet {
  const out = emptyPorts();
  const proto = p.protocol;
  if (!PROTOCOLS.includes(proto)) return out;
  if (p.port === undefined) {
    out[proto] = fullProto();
  } else if (typeof p.port === "number") {
    out[proto] = { ranges: [[p.port, Math.max(p.port, p.endPort ?? p.port)]], names: NO_NAMES };
  } else if (dstPorts === undefined) {
    out[proto] = { ranges: [], names: { co: false, set: new Set([p.port]) } };
  } else if (dstPorts !== null) {
    const hits = dstPorts.filter((c) => c.name === p.port && c.protocol === proto).map((c): Range => [c.port, c.port]);
    out[proto] = { ranges: normalise(hits), names: NO_NAMES };
  }
  return out;
}

export function union(a: PortSet, b: PortSet): PortSet {
  return combine(a, b, (x, y) => normalise([...x, ...y]), unionNames);
}

export function intersect(a: PortSet, b: PortSet): PortSet {
  return combine(a, b, intersectRanges, intersectNames);
}

export function subtract(a: PortSet, b: PortSet): PortSet {
  return combine(
    a,
    b,
    (x, y) => intersectRanges(x, complementRanges(y)),
    (x, y) => intersectNames(x, complementNames(y)),
  );
}

const intersectNames = (x: Names, y: Names): Names =>
  complementNames(unionNames(complementNames(x), complementNames(y)));

function combine(
  a: PortSet,
  b: PortSet,
  r: (x: Range[], y: Range[]) => Range[],
  n: (x: Names, y: Names) => Names,
): PortSet {
  const out = emptyPorts();
  for (const p of PROTOCOLS) {
    const [x, y] = [closed(a[p]), closed(b[p])];
    out[p] = { ranges: r(x.ranges, y.ranges), names: n(x.names, y.names) };
  }
  return out;
}

/** Every number means every name too: a named port always resolves to some number. */
function closed(s: ProtoSet): ProtoSet {
  const full = s.ranges.length === 1 && s.ranges[0]![0] === MIN && s.ranges[0]![1] === MAX;
  return full ? { ranges: s.ranges, names: ALL_NAMES } : s;
}

/** The same numbers without names: once named ports are resolved to numbers (workloads given), the symbolic
 *  part means nothing and would read "any named port". */
export function withoutNames(s: PortSet): PortSet {
  const out = emptyPorts();
  for (const p of PROTOCOLS) out[p] = { ranges: s[p].ranges, names: NO_NAMES };
  return out;
}

export function isEmpty(s: PortSet): boolean {
  return PROTOCOLS.every((p) => s[p].ranges.length === 0 && !s[p].names.co && s[p].names.set.size === 0);
}

export function isFull(s: PortSet, p: Protocol): boolean {
  const c = closed(s[p]);
  return c.ranges.length === 1 && c.names.co && c.names.set.size === 0;
}

/** A stable text form: equal sets give equal keys. */
export function portsKey(s: PortSet): string {
  return PROTOCOLS.map((p) => `${p}:${describeProto(s[p])}`).join(";");
}

export function contains(s: PortSet, protocol: Protocol, port: number): boolean {
  return s[protocol].ranges.some(([lo, hi]) => lo <= port && port <= hi);
}

/** One entry per protocol with something in it; every protocol full → one entry "any"/"all". */
export function describePorts(s: PortSet): { protocol: Protocol | "any"; ports: string }[] {
  if (PROTOCOLS.every((p) => isFull(s, p))) return [{ protocol: "any", ports: "all" }];
  const out: { protocol: Protocol | "any"; ports: string }[] = [];
  for (const p of PROTOCOLS) {
    const text = describeProto(s[p]);
    if (text) out.push({ protocol: p, ports: text });
  }
  return out;
}

function describeProto(raw: ProtoSet): string {
  const s = closed(raw);
  const full = s.ranges.length === 1 && s.ranges[0]![0] === MIN && s.ranges[0]![1] === MAX;
  if (full && s.names.co && s.names.set.size === 0) return "all";
  const parts = s.ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`));
  const names = [...s.names.set].sort();
  if (!s.names.co) parts.push(...names);
  else if (!full) parts.push(names.length ? `any named port but ${names.join(", ")}` : "any named port");
  else if (names.length) parts[0] = `all numbers, named ports but ${names.join(", ")}`;
  return parts.join(", ");
}

function normalise(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersectRanges(a: Range[], b: Range[]): Range[] {
  const out: Range[] = [];
  for (const [alo, ahi] of a)
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) out.push([lo, hi]);
    }
  return normalise(out);
}

function complementRanges(a: Range[]): Range[] {
  const out: Range[] = [];
  let next = MIN;
  for (const [lo, hi] of a) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

function unionNames(a: Names, b: Names): Names {
  if (!a.co && !b.co) return { co: false, set: new Set([...a.set, ...b.set]) };
  if (a.co && b.co) return { co: true, set: new Set([...a.set].filter((x) => b.set.has(x))) };
  const [co, fin] = a.co ? [a, b] : [b, a];
  return { co: true, set: new Set([...co.set].filter((x) => !fin.set.has(x))) };
}

function complementNames(a: Names): Names {
  return { co: !a.co, set: a.set };
}
