// Checks on untrusted input text and values shared by the capture reader and the desired loader.
import { isUtf8 } from "node:buffer";

/** Deeper than any NetworkPolicy (with managedFields) gets; recursive stages below must never see more. */
export const MAX_DEPTH = 100;

/**
 * The bytes as UTF-8 text, or the 1-based line of the first byte that is not UTF-8. A BOM is dropped.
 * One decode: the caller can let go of the bytes right after.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badLine: number } {
  // What a fatal TextDecoder does (refuse invalid UTF-8, drop a leading BOM), in two native steps without a
  // decoder per call: 50,000 desired files are decoded one by one.
  if (!isUtf8(bytes)) return { badLine: lineOfFirstInvalid(bytes) };
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  return { text: buf.toString("utf8", bom ? 3 : 0) };
}

function lineOfFirstInvalid(bytes: Uint8Array): number {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return line;
    for (let k = 1; k < len; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return line;
    // overlong 3/4-byte forms, surrogates and code points past U+10FFFF
    const b1 = bytes[i + 1] as number;
    if (
      (b === 0xe0 && b1 < 0xa0) ||
      (b === 0xed && b1 > 0x9f) ||
      (b === 0xf0 && b1 < 0x90) ||
      (b === 0xf4 && b1 > 0x8f)
    )
      return line;
    if (b === 0x0a) line++;
    i += len;
  }
  return line;
}

/** True when `value` nests deeper than `max` lists/mappings. Iterative: a deep value cannot overflow it. */
export function tooDeep(value: unknown, max = MAX_DEPTH): boolean {
  // Two stacks side by side (values, their depths): no pair allocated per node of every policy.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const d = depths.pop() as number;
    if (v === null || typeof v !== "object") continue;
    if (d >= max) return true;
    if (Array.isArray(v)) {
      for (const child of v)
        if (child !== null && typeof child === "object") {
          values.push(child);
          depths.push(d + 1);
        }
    } else {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        const child = (v as Record<string, unknown>)[k];
        if (child !== null && typeof child === "object") {
          values.push(child);
          depths.push(d + 1);
        }
      }
    }
  }
  return false;
}

/**
 * True when flow brackets (`[`, `{`) in YAML/JSON text nest deeper than `max`: the YAML parser recurses on
 * them and would overflow the stack. Quoted strings and comments are skipped; block nesting is bounded by
 * indentation and is checked on the value (`tooDeep`).
 */
export function flowTooDeep(text: string, max = MAX_DEPTH): boolean {
  let depth = 0;
  let maxSeen = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x27 /* ' */ && (i === 0 || " \t\n[{,:-".includes(text[i - 1] as string))) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x27; i++);
    } else if (ch === 0x23 /* # */ && (i === 0 || " \t\n".includes(text[i - 1] as string))) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > maxSeen) maxSeen = depth;
      if (maxSeen > max) return true;
    } else if ((ch === 0x5d || ch === 0x7d) && depth > 0) depth--;
  }
  return false;
}
