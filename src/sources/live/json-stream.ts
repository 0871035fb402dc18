// A JSON capture read item by item (json-items.ts splits it): shared by the capture reader (file.ts) and the
// reader thread (capture-scan.ts), so both check and fail alike.
import { isUtf8 } from "node:buffer";
import { LiveSourceError } from "../../model/errors.js";
import { isRecord } from "../../util/values.js";
import { Found } from "./capture-checks.js";
import { ItemSplitter, Unsplittable } from "./json-items.js";
import { MAX_DEPTH } from "./text-checks.js";

/**
 * A JSON capture item by item: each item decoded, parsed, checked and kept before the next is read. The
 * checks fail in the order the whole-file read fails them (nesting, then the list itself, then the items in
 * order), so a big capture and a small one with the same fault say the same. Throws Unsplittable for what the
 * whole-file read must decide (not JSON, not UTF-8, an unusual layout): its errors carry the line.
 */
export async function streamItems<T>(
  input: NodeJS.ReadableStream,
  call: string,
  keep: (raw: Record<string, unknown>) => T,
  held: Buffer[] | undefined,
  /** Told of each item of the top-level list, and where its bytes lie, before `keep` sees what it holds. */
  seen?: (value: unknown, at: number, length: number) => void,
): Promise<Found<T>> {
  const found = new Found(call, keep);
  const decode = (bytes: Uint8Array): string => {
    // What a fatal TextDecoder does (refuse invalid UTF-8, drop a leading BOM), in two native steps that are
    // faster together, and give JSON.parse a one-byte string when the item is ASCII.
    if (!isUtf8(bytes)) throw new Unsplittable("not UTF-8");
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
    return buf.toString("utf8", bom ? 3 : 0);
  };
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Unsplittable("not JSON");
    }
  };
  let deep = false;
  let failure: LiveSourceError | undefined;
  const splitter = new ItemSplitter(
    {
      item(bytes, tooDeep, at) {
        const text = decode(bytes);
        if (tooDeep || deep) return;
        const value = parse(text);
        if (failure) return; // the rest is still read: a later byte that is not UTF-8 or JSON comes first
        if (splitter.kindBeforeItems === undefined && isRecord(value) && value.kind === undefined)
          throw new Unsplittable("an item without a kind before the list's kind");
        seen?.(value, at, bytes.length);
        try {
          found.item(value, splitter.kindBeforeItems);
        } catch (err) {
          if (!(err instanceof LiveSourceError)) throw err;
          failure = err;
        }
      },
      tooDeep() {
        deep = true;
      },
    },
    MAX_DEPTH,
  );
  let unsplittable: Unsplittable | undefined;
  for await (const chunk of input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    held?.push(bytes);
    if (unsplittable) {
      if (!held) break; // a file is read again, whole
      continue; // stdin is read to its end for the whole-file read
    }
    try {
      splitter.push(bytes);
    } catch (err) {
      if (!(err instanceof Unsplittable)) throw err;
      unsplittable = err;
      if (!held) break;
    }
  }
  if (unsplittable) throw unsplittable;
  const top = parse(decode(splitter.end()));
  if (deep) found.fail(`nested more than ${MAX_DEPTH} levels deep: not a kubectl capture`);
  if (isRecord(top) && Array.isArray(top.items)) {
    found.list(top);
    if (failure) throw failure;
  } else {
    if (found.kept.length > 0 || failure) throw new Unsplittable("items that are not the top-level list's");
    found.top(top);
  }
  return found;
}
