import { describe, expect, it } from "vitest";
import { AnalysisOptionsError, parseAllowList } from "../../../src/analyse/options.js";
import { analysisSettings } from "../../../src/cli/analysis-flags.js";
import { loadConfig } from "../../../src/config/index.js";
import { base, failure } from "../../helpers/run-config.js";

// One grammar for the egress allow-list, flag and environment alike: entries by commas, exceptions after "!".
// The two forms that used to widen the list (an exception dropped, an exception read as an allowed range) are
// rows here, each through both doors.

const fromFlag = (...texts: string[]) => analysisSettings({ "egress-allow": texts }).egressAllow;
const fromEnv = async (text: string) =>
  (await loadConfig({ env: { ...base, NETPOL_DRIFT_EGRESS_ALLOW: text } })).egressAllow;

describe("egress allow-list grammar", () => {
  it.each([
    ["10.0.0.0/8", [{ cidr: "10.0.0.0/8" }]],
    ["10.0.0.0/8!10.1.0.0/16", [{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }]],
    // Every exception is kept (the flag's parser used to drop all but the first).
    ["10.0.0.0/8!10.1.0.0/16!10.2.0.0/16", [{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.0.0/16"] }]],
    [
      "10.0.0.0/8!10.1.0.0/16, 192.0.2.0/24",
      [{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }, { cidr: "192.0.2.0/24" }],
    ],
    ["2001:db8::/32!2001:db8:1::/48", [{ cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] }]],
  ])("%s reads the same from the flag and the environment", async (text, blocks) => {
    expect(fromFlag(text)).toEqual(blocks);
    expect(await fromEnv(text)).toEqual(blocks);
  });

  it("repeated flags are entries, like commas", () => {
    expect(fromFlag("10.0.0.0/8!10.1.0.0/16", "192.0.2.0/24")).toEqual(fromFlag("10.0.0.0/8!10.1.0.0/16,192.0.2.0/24"));
  });

  it.each([
    // The old flag syntax CIDR!EXC,EXC: the second exception must never become an allowed range.
    [
      "10.0.0.0/8!10.1.0.0/16,10.2.0.0/16",
      /"10\.2\.0\.0\/16" lies inside the entry "10\.0\.0\.0\/8".*10\.0\.0\.0\/8!10\.2\.0\.0\/16/,
    ],
    ["10.0.0.0/8,10.2.0.0/16", /lies inside the entry/],
    ["10.0.0.0/8!192.0.2.0/24", /exception "192\.0\.2\.0\/24" is not inside 10\.0\.0\.0\/8/],
    ["10.0.0.0/8!nope", /"nope" is not a CIDR/],
  ])("%s is refused by the flag and the environment alike", async (text, why) => {
    expect(() => fromFlag(text)).toThrow(why);
    const e = await failure(loadConfig({ env: { ...base, NETPOL_DRIFT_EGRESS_ALLOW: text } }));
    expect(e.message).toMatch(why);
  });

  it("names the setting it was given in", () => {
    expect(() => parseAllowList(["x"], "--egress-allow")).toThrow(AnalysisOptionsError);
    expect(() => parseAllowList(["x"], "--egress-allow")).toThrow(/^--egress-allow: /);
  });
});
