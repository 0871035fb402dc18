// An ipBlock CIDR as the API server checks it (apimachinery IsValidCIDRForLegacyField with strict
// validation, the default since StrictIPCIDRValidation): Go's ParseCIDR must take it, and netip.ParsePrefix
// too — no leading zeros in an IPv4 octet or the prefix length, no zone, no IPv4-mapped IPv6, no bits set
// beyond the prefix length. Non-canonical IPv6 spelling (upper case, zeros written out) is allowed.

export interface Cidr {
  family: 4 | 6;
  /** The address as an unsigned integer of 32 or 128 bits. */
  addr: bigint;
  bits: number;
}

export type CidrResult = { cidr: Cidr } | { error: string };

const SYNTAX = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

// The same few CIDRs recur across tens of thousands of policies; the results are never changed by callers.
const parsed = new Map<string, CidrResult>();

export function parseCidr(value: string): CidrResult {
  let hit = parsed.get(value);
  if (hit === undefined) {
    if (parsed.size >= 10_000) parsed.clear();
    hit = parseUncached(value);
    parsed.set(value, hit);
  }
  return hit;
}

function parseUncached(value: string): CidrResult {
  const slash = value.indexOf("/");
  if (slash < 0) return { error: `${SYNTAX}: no prefix length` };
  const ipText = value.slice(0, slash);
  const maskText = value.slice(slash + 1);
  const ip = parseIp(ipText);
  if (!ip) return { error: SYNTAX };
  const width = ip.family === 4 ? 32 : 128;
  if (!/^[0-9]+$/.test(maskText) || Number(maskText) > width) return { error: SYNTAX };
  if (ip.leadingZeros || (maskText.length > 1 && maskText.startsWith("0")))
    return { error: "must not have leading 0s in IP or prefix length" };
  if (ip.mapped4) return { error: "must not have an IPv4-mapped IPv6 address" };
  const bits = Number(maskText);
  const hostMask = (1n << BigInt(width - bits)) - 1n;
  if ((ip.addr & hostMask) !== 0n) {
    return {
      error: `must not have bits set beyond the prefix length (the network is ${format(ip.family, ip.addr & ~hostMask)}/${bits})`,
    };
  }
  return { cidr: { family: ip.family, addr: ip.addr, bits } };
}

/**
 * Whether Go's ParseCIDRSloppy takes it: what an API server may have stored, even before strict
 * validation (a legacy `10.0.0.1/24` or `010.0.0.0/8` can still be live). A zone or a /33 never can.
 */
export function storableCidr(value: string): boolean {
  const r = parseCidr(value);
  return !("error" in r) || !r.error.startsWith(SYNTAX);
}

/** `except` must lie inside `cidr` and be smaller (Go: cidr.Contains(except.IP) && cidrBits < exceptBits). */
export function strictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || outer.bits >= inner.bits) return false;
  const width = BigInt(outer.family === 4 ? 32 : 128);
  const shift = width - BigInt(outer.bits);
  return inner.addr >> shift === outer.addr >> shift;
}

interface Ip {
  family: 4 | 6;
  addr: bigint;
  leadingZeros: boolean;
  mapped4: boolean;
}

function parseIpv4(text: string): { addr: bigint; leadingZeros: boolean } | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let addr = 0n;
  let leadingZeros = false;
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p) || Number(p) > 255) return undefined;
    if (p.length > 1 && p.startsWith("0")) leadingZeros = true;
    addr = (addr << 8n) | BigInt(Number(p));
  }
  return { addr, leadingZeros };
}

function parseIp(text: string): Ip | undefined {
  if (!text.includes(":")) {
    const v4 = parseIpv4(text);
    return v4 && { family: 4, addr: v4.addr, leadingZeros: v4.leadingZeros, mapped4: false };
  }
  if (text.includes("%")) return undefined; // a zone (fe80::1%eth0) is no CIDR
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups: bigint[][] = [];
  let leadingZeros = false;
  for (const [h, half] of halves.entries()) {
    const out: bigint[] = [];
    const fields = half === "" ? [] : half.split(":");
    for (const [i, f] of fields.entries()) {
      const last = h === halves.length - 1 && i === fields.length - 1;
      if (last && f.includes(".")) {
        const v4 = parseIpv4(f);
        if (!v4) return undefined;
        leadingZeros ||= v4.leadingZeros;
        out.push(v4.addr >> 16n, v4.addr & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) out.push(BigInt(`0x${f}`));
      else return undefined;
    }
    groups.push(out);
  }
  const [head = [], tail = []] = groups;
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const all = [...head, ...Array<bigint>(8 - count).fill(0n), ...tail];
  const addr = all.reduce((a, g) => (a << 16n) | g, 0n);
  return { family: 6, addr, leadingZeros, mapped4: addr >> 32n === 0xffffn };
}

function format(family: 4 | 6, addr: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((addr >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::"
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > (best[1] as number) && j - i >= 2) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const [at, len] = best as [number, number];
  if (at < 0) return groups.join(":");
  return `${groups.slice(0, at).join(":")}::${groups.slice(at + len).join(":")}`;
}
