// IP ranges are printed as people write them in an ipBlock.
import { describe, expect, it } from "vitest";
import { describeRanges, parseCidr, subtractRanges } from "../../../src/analyse/cidr.js";

const c = (x: string) => parseCidr(x)!;

describe("describeRanges", () => {
  it("a hole is an except, not a list of first-last ranges", () => {
    expect(describeRanges(subtractRanges([c("0.0.0.0/0")], [c("10.40.12.0/24")]))).toBe(
      "0.0.0.0/0 except 10.40.12.0/24",
    );
    expect(
      describeRanges(subtractRanges([c("0.0.0.0/0")], [c("10.0.0.0/8"), c("172.16.0.0/12"), c("192.168.0.0/16")])),
    ).toBe("0.0.0.0/0 except 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16");
    expect(describeRanges(subtractRanges([c("0.0.0.0/0"), c("::/0")], [c("10.40.12.0/24")]))).toBe(
      "0.0.0.0/0 except 10.40.12.0/24; ::/0",
    );
  });

  it("CIDRs stay CIDRs; adjacent ones merge", () => {
    expect(describeRanges([c("10.0.0.0/24"), c("10.0.1.0/24")])).toBe("10.0.0.0/23");
    expect(describeRanges([c("10.0.0.0/24"), c("10.0.2.0/24")])).toBe("10.0.0.0/24, 10.0.2.0/24");
    expect(describeRanges(subtractRanges([c("203.0.113.0/24")], [c("203.0.113.128/25")]))).toBe("203.0.113.0/25");
    expect(describeRanges([c("198.51.100.7/32")])).toBe("198.51.100.7/32");
    expect(describeRanges([c("0.0.0.0/0"), c("::/0")])).toBe("0.0.0.0/0, ::/0");
  });
});
