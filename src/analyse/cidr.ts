// IP address ranges as bigint intervals, IPv4 and IPv6 kept apart. External peers are reported as the
// ranges between every CIDR boundary the policies mention.
import type { IPBlock } from "../model/types.js";

export type Family = 4 | 6;
export interface IpRange {
  family: Family;
  lo: bigint;
  hi: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function parseIp(text: string): { family: Family; value: bigint } | undefined {
  const kind = ipFamily(text);
  if (kind === 4) {
    return { family: 4, value: text.split(".").reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n) };
  }
  if (kind === 6) return { family: 6, value: parseIpv6(text) };
  return undefined;
}

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * 4 or 6 for an address as node:net's isIP accepts it (dotted quad without leading zeros; IPv6 with at most
 * one `::`, an IPv4 tail, a zone after `%`), else 0. Written out so this stage imports nothing of node.
 */
export function ipFamily(text: string): 0 | Family {
  if (IPV4.test(text)) return 4;
  const zone = text.indexOf("%");
  const addr = zone < 0 ? text : text.slice(0, zone);
  // A zone, as node's own pattern takes it: letters, digits, `-`, `.` and `:`.
  if (zone >= 0 && !/^[0-9a-zA-Z.:-]+$/.test(text.slice(zone + 1))) return 0;
  const halves = addr.split("::");
  if (halves.length > 2) return 0;
  const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
  const all = groups.flat();
  let count = all.length;
  // A dotted quad is only the last group of all, and counts as two.
  const tail = groups[groups.length - 1] as string[];
  if (tail.length > 0 && (tail[tail.length - 1] as string).includes(".")) {
    if (!IPV4.test(all.pop() as string)) return 0;
    count++;
  }
  if (!all.every((g) => GROUP.test(g))) return 0;
  return (halves.length === 2 ? count < 8 : count === 8) ? 6 : 0;
}

function parseIpv6(text: string): bigint {
  let t = text.includes("%") ? text.slice(0, text.indexOf("%")) : text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const n = parseIp(v4[1]!)!.value;
    t = t.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = t.includes("::") ? t.split("::") : [t, undefined];
  const h = head ? head.split(":") : [];
  const tl = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - tl.length).fill("0"), ...tl];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || "0", 16)), 0n);
}

/** A CIDR → its address range (host bits are ignored, as the API server's older validation allowed them). */
export function parseCidr(text: string): IpRange | undefined {
  const [addr, lenText] = text.split("/");
  const ip = parseIp(addr ?? "");
  if (!ip) return undefined;
  const bits = BITS[ip.family];
  const len = lenText === undefined ? bits : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > bits) return undefined;
  const hostBits = BigInt(bits - len);
  const lo = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, lo, hi: lo + (1n << hostBits) - 1n };
}

/** cidr minus except, as disjoint sorted ranges. */
export function blockRanges(block: IPBlock): IpRange[] {
  const base = parseCidr(block.cidr);
  if (!base) return [];
  return subtractRanges(
    [base],
    (block.except ?? []).map(parseCidr).filter((r): r is IpRange => r !== undefined),
  );
}

export function subtractRanges(a: IpRange[], b: IpRange[]): IpRange[] {
  let out = a;
  for (const cut of b) {
    const next: IpRange[] = [];
    for (const r of out) {
      if (r.family !== cut.family || cut.hi < r.lo || cut.lo > r.hi) {
        next.push(r);
        continue;
      }
      if (cut.lo > r.lo) next.push({ family: r.family, lo: r.lo, hi: cut.lo - 1n });
      if (cut.hi < r.hi) next.push({ family: r.family, lo: cut.hi + 1n, hi: r.hi });
    }
    out = next;
  }
  return out;
}

export function inRanges(ranges: IpRange[], family: Family, value: bigint): boolean {
  return ranges.some((r) => r.family === family && r.lo <= value && value <= r.hi);
}

/** The whole address space of both families, cut at the start and end of every given CIDR. */
export function atomsOf(cidrs: string[]): IpRange[] {
  const out: IpRange[] = [];
  for (const family of [4, 6] as Family[]) {
    const max = (1n << BigInt(BITS[family])) - 1n;
    const cuts = new Set<bigint>([0n]);
    for (const c of cidrs) {
      const r = parseCidr(c);
      if (!r || r.family !== family) continue;
      cuts.add(r.lo);
      if (r.hi < max) cuts.add(r.hi + 1n);
    }
    const starts = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    starts.forEach((lo, i) => out.push({ family, lo, hi: i + 1 < starts.length ? starts[i + 1]! - 1n : max }));
  }
  return out;
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** A range as the fewest CIDRs that cover it exactly. */
export function rangeToCidrs(r: IpRange): string[] {
  const bits = BigInt(BITS[r.family]);
  const out: string[] = [];
  let lo = r.lo;
  while (lo <= r.hi) {
    let size = 0n;
    while (size < bits && (lo & ((1n << (size + 1n)) - 1n)) === 0n && lo + (1n << (size + 1n)) - 1n <= r.hi) size++;
    out.push(`${formatIp(r.family, lo)}/${bits - size}`);
    lo += 1n << size;
  }
  return out;
}

/** Merge ranges that touch (same family), sorted. */
export function mergeRanges(ranges: IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
    if (last && last.family === r.family && r.lo <= last.hi + 1n) last.hi = r.hi > last.hi ? r.hi : last.hi;
    else out.push({ ...r });
  }
  return out;
}

/**
 * Ranges as people write them in an ipBlock: CIDRs, or the smallest CIDR around them with what it leaves out
 * ("0.0.0.0/0 except 10.40.12.0/24") when that is shorter. Per family, IPv4 first.
 */
export function describeRanges(ranges: IpRange[]): string {
  const merged = mergeRanges(ranges);
  const parts = ([4, 6] as Family[])
    .map((family) => merged.filter((r) => r.family === family))
    .filter((rs) => rs.length > 0)
    .map((rs) => {
      const cidrs = rs.flatMap(rangeToCidrs);
      if (cidrs.length <= 1) return cidrs.join(", ");
      const around = enclosing(rs[0]!.family, rs[0]!.lo, rs[rs.length - 1]!.hi);
      const holes = subtractRanges([around], rs).flatMap(rangeToCidrs);
      const aroundText = rangeToCidrs(around)[0]!;
      return holes.length < cidrs.length ? `${aroundText} except ${holes.join(", ")}` : cidrs.join(", ");
    });
  // "; " between the families once there is an except, so an IPv6 range is not read as one more exception.
  return parts.join(parts.some((p) => p.includes(" except ")) ? "; " : ", ");
}

/** The smallest CIDR holding lo..hi. */
function enclosing(family: Family, lo: bigint, hi: bigint): IpRange {
  const bits = BigInt(BITS[family]);
  let size = 0n;
  while (size < bits && lo >> size !== hi >> size) size++;
  const mask = (1n << size) - 1n;
  return { family, lo: lo & ~mask, hi: (lo & ~mask) | mask };
}
