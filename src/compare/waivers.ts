import type { ExpectedItem, Rules, RulesOutcome, WaivedItem, Waiver, WaiverRef } from "../model/rules.js";
import type { DriftItem, NormalizedPolicy, PolicyKey } from "../model/types.js";
import { policyMatches, ruleRef } from "../rules/match.js";

// After compare, before analyse: which drift is expected (the unmanaged allow-list), which is waived until a
// date, which waiver has run out. Pure: the clock is a parameter. Only drift items are touched: a withheld
// verdict or a problem stays what it is, whatever a rule says.

/** How long before its date a waiver is listed as ending soon. */
export const EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface WaiverInput {
  drift: DriftItem[];
  rules: Rules;
  now: Date;
  /** Both sides of a drift item (either may be absent), for selectors and managers. */
  sides: (key: PolicyKey) => { desired?: NormalizedPolicy; live?: NormalizedPolicy };
  /** Namespaces the desired folder holds policies in (for `unmanagedIn: desired-namespaces`). */
  desiredNamespaces: ReadonlySet<string>;
}

export interface WaiverOutcome {
  drift: DriftItem[];
  outcome: Omit<RulesOutcome, "file">;
}

export function applyWaivers(input: WaiverInput): WaiverOutcome {
  const { rules, now } = input;
  const outcome: WaiverOutcome["outcome"] = {
    waived: [],
    expected: [],
    outsideDesiredNamespaces: 0,
    expiringSoon: [],
    expired: [],
    unmatched: [],
  };
  const status = rules.waivers.map((w) => ({ waiver: w, ref: refOf(w), ...waiverClock(w.expires, now), used: false }));
  const drift: DriftItem[] = [];
  for (const item of input.drift) {
    const { desired, live } = input.sides(item);
    if (item.state === "unmanaged") {
      if (rules.unmanagedIn === "desired-namespaces" && !input.desiredNamespaces.has(item.namespace)) {
        outcome.outsideDesiredNamespaces++;
        continue;
      }
      const allowed = rules.unmanaged.find((r) => policyMatches(r.match, desired, live));
      if (allowed) {
        const expected: ExpectedItem = { namespace: item.namespace, name: item.name, rule: ruleRef(allowed.at) };
        if (allowed.reason) expected.reason = allowed.reason;
        outcome.expected.push(expected);
        continue;
      }
    }
    const matching = status.filter((s) => policyMatches(s.waiver.match, desired, live));
    const active = matching.find((s) => s.active);
    if (active) {
      active.used = true;
      const waiver: WaivedItem["waiver"] = { ...active.ref };
      if (active.soon) waiver.expiresSoon = true;
      outcome.waived.push({ ...item, waiver });
      continue;
    }
    // Only expired waivers match: the latest of them is the one that ran out.
    const lapsed = matching.sort((a, b) => (a.waiver.expires < b.waiver.expires ? 1 : -1))[0];
    drift.push(lapsed ? { ...item, waiverExpired: lapsed.ref } : item);
  }
  for (const s of status) {
    if (!s.active) outcome.expired.push(s.ref);
    else {
      if (s.soon) outcome.expiringSoon.push(s.ref);
      if (!s.used) outcome.unmatched.push(s.ref);
    }
  }
  return { drift, outcome };
}

/**
 * A waiver holds through the end of its date (UTC): `expires: 2027-01-31` still waives at 23:59 that day and
 * not at midnight after. `soon`: it ends within EXPIRY_WARNING_DAYS.
 */
export function waiverClock(expires: string, now: Date): { active: boolean; soon: boolean } {
  const [y, m, d] = expires.split("-").map(Number) as [number, number, number];
  const end = Date.UTC(y, m - 1, d + 1);
  const left = end - now.getTime();
  return { active: left > 0, soon: left > 0 && left <= EXPIRY_WARNING_DAYS * DAY_MS };
}

function refOf(w: Waiver): WaiverRef {
  return { rule: ruleRef(w.at), reason: w.reason, owner: w.owner, expires: w.expires };
}

/**
 * For `check`, which has no live side: waivers past their date, ending within the warning window, and
 * matching no policy of the desired folder (a waiver for a live-only policy is among these: check cannot
 * tell it from a typo, the drift report can).
 */
export function auditWaivers(
  rules: Rules,
  desired: readonly NormalizedPolicy[],
  now: Date,
): { expired: WaiverRef[]; expiringSoon: WaiverRef[]; unmatched: WaiverRef[] } {
  const out = { expired: [] as WaiverRef[], expiringSoon: [] as WaiverRef[], unmatched: [] as WaiverRef[] };
  for (const w of rules.waivers) {
    const clock = waiverClock(w.expires, now);
    if (!clock.active) out.expired.push(refOf(w));
    else if (clock.soon) out.expiringSoon.push(refOf(w));
    if (clock.active && !desired.some((p) => policyMatches(w.match, p, undefined))) out.unmatched.push(refOf(w));
  }
  return out;
}
