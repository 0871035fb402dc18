import { canonicalJson } from "../normalize/canonical.js";
import { isRecord } from "../util/values.js";

/**
 * deep-diff compares arrays by index. Both sides are sorted already; this moves each live element that
 * equals a desired one to that element's index, so a rule added at the front reads as one added rule, not
 * as every rule after it edited. Unmatched live elements fill the unmatched desired slots in order.
 */
export function alignLive(desired: unknown, live: unknown): unknown {
  if (Array.isArray(desired) && Array.isArray(live)) return alignArray(desired, live);
  if (isRecord(desired) && isRecord(live)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(live)) out[key] = key in desired ? alignLive(desired[key], value) : value;
    return out;
  }
  return live;
}

function alignArray(desired: unknown[], live: unknown[]): unknown[] {
  const liveKeys = live.map(canonicalJson);
  const used = new Array<boolean>(live.length).fill(false);
  const slots: (unknown | typeof EMPTY)[] = desired.map((d) => {
    const key = canonicalJson(d);
    const i = liveKeys.findIndex((k, j) => !used[j] && k === key);
    if (i < 0) return EMPTY;
    used[i] = true;
    return live[i];
  });
  const rest = live.filter((_, j) => !used[j]);
  // A desired element with no live counterpart leaves a hole (undefined) at its index: deep-diff then
  // reports exactly that element as removed. Live elements left over are appended: reported as added.
  const out = slots.map((slot, i) =>
    slot === EMPTY ? (rest.length > 0 ? alignLive(desired[i], rest.shift()) : undefined) : slot,
  );
  return [...out, ...rest];
}

const EMPTY = Symbol("empty");
