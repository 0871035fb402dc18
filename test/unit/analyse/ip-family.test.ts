import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { ipFamily, parseIp } from "../../../src/analyse/cidr.js";

// The analysis stage imports nothing of node; its address reader must still accept exactly what node:net does.

const CASES = [
  "1.2.3.4",
  "01.2.3.4",
  "1.2.3.256",
  "1.2.3",
  "0.0.0.0",
  "255.255.255.255",
  "1.2.3.04",
  "0x1.2.3.4",
  " 1.2.3.4",
  "::",
  "::1",
  "1::",
  "fe80::1%eth0",
  "fe80::1%",
  "::ffff:1.2.3.4",
  "1::2::3",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9",
  "1:2:3:4:5:6:1.2.3.4",
  "::1.2.3.4",
  "1.2.3.4::",
  "1.2.3.4::1",
  "12345::",
  "g::1",
  "1:2:3:4:5:6:7::",
  "::2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8::",
  ":",
  ":::",
  "",
  "1:",
  ":1",
  "::1.2.3",
  "::256.1.1.1",
  "ABCD::EF01",
  "1:2:3:4:5:6:7:1.2.3.4",
];

/** A deterministic stream of short strings over the characters addresses are made of. */
function* generated(n: number): Generator<string> {
  let seed = 42;
  // xorshift32: a long period, so the strings do not repeat.
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const parts = ["0", "1", "9", "25", "255", "256", "a", "f", "ffff", "g", ".", ":", "::", "%", "x", " ", "/"];
  for (let i = 0; i < n; i++) {
    let s = "";
    const len = 1 + (next() % 12);
    for (let j = 0; j < len; j++) s += parts[next() % parts.length];
    yield s;
  }
}

describe("ipFamily", () => {
  it("agrees with node:net isIP on the edge cases", () => {
    for (const s of CASES) expect([s, ipFamily(s)]).toEqual([s, isIP(s)]);
  });

  it("agrees with node:net isIP on 20,000 generated strings", () => {
    const wrong: string[] = [];
    for (const s of generated(20_000)) if (ipFamily(s) !== isIP(s)) wrong.push(s);
    expect(wrong).toEqual([]);
  });

  it("reads the values it accepts", () => {
    expect(parseIp("1.2.3.4")).toEqual({ family: 4, value: 0x01020304n });
    expect(parseIp("::ffff:1.2.3.4")).toEqual({ family: 6, value: 0xffff01020304n });
    expect(parseIp("fe80::1%eth0")).toEqual({ family: 6, value: (0xfe80n << 112n) + 1n });
  });
});
