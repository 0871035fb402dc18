// A `kubectl get -o json` capture of 50,000 policies is ~230 MB: read whole, its text and the parsed objects
// take over a gigabyte. This splits the top-level object's `items` array into its elements as the bytes
// arrive, so the reader parses, checks and normalises one item at a time and holds only what it keeps.
//
// It only finds where items begin and end (strings, brackets, the commas between items); each item and the
// rest of the object (the "skeleton", `items` left empty) are still parsed by JSON.parse, so the pieces are
// checked JSON. Anything else — YAML, a top-level array, a scalar item, a second `items` key — is Unsplittable
// and the caller reads the capture whole, which also gives the exact error for broken input.

/** The capture is not laid out as this splitter reads it; read it whole. */
export class Unsplittable extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;
/** 1 for the bytes that matter inside an item outside strings: a quote and the four brackets. */
const STRUCTURAL = new Uint8Array(256);
for (const c of [QUOTE, 0x7b, 0x5b, 0x7d, 0x5d]) STRUCTURAL[c] = 1;

/** Top level (depth 1): where in a `"key": value` pair the scan is. */
type TopState = "key" | "colon" | "value" | "comma";
/** Inside `items` (depth 2), between elements. */
type ItemsState = "first" | "value" | "comma";

export interface ItemSink {
  /** One element of `items`, its bytes as read; `deep`: nested too deep to parse; `at`: its offset in the input. */
  item(bytes: Uint8Array, deep: boolean, at: number): void;
  /** Containers nest deeper than `maxDepth` somewhere. */
  tooDeep(): void;
}

export class ItemSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private first = true;
  private started = false;
  private ended = false;
  private top: TopState = "key";
  private lastKey: string | undefined;
  private keyStart = -1;
  private keyParts: Uint8Array[] = [];
  private seenKeys = new Set<string>();
  /** 0 before `items`, 1 inside it, 2 after it. */
  private itemsPhase = 0;
  private between: ItemsState = "first";
  private itemParts: Uint8Array[] = [];
  private itemStart = -1;
  private itemDeep = false;
  private itemAt = 0;
  private base = 0; // bytes of the input before the current chunk
  private consumed = 0;
  private skeleton: Uint8Array[] = [];
  private skelStart = 0;
  /** The value of a top-level `kind` seen before `items` (it says what kind the items are). */
  kindBeforeItems: string | undefined;
  private kindStart = -1;
  private kindParts: Uint8Array[] = [];

  constructor(
    private readonly sink: ItemSink,
    private readonly maxDepth: number,
  ) {}

  push(chunk: Uint8Array): void {
    this.base = this.consumed;
    this.consumed += chunk.length;
    if (this.ended) {
      for (const c of chunk) if (!isSpace(c)) throw new Unsplittable("content after the top-level object");
      return;
    }
    let i = 0;
    if (!this.started) {
      if (this.first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // a BOM, as TextDecoder drops it
      this.first = false;
      while (i < chunk.length && isSpace(chunk[i] as number)) i++;
      if (i === chunk.length) return;
      if (chunk[i] !== 0x7b) throw new Unsplittable("not a JSON object");
      this.started = true;
      this.skelStart = i;
    }
    this.skelStart = this.itemsPhase === 1 ? -1 : Math.min(this.skelStart, i);
    if (this.itemStart >= 0 || this.itemParts.length > 0) this.itemStart = 0;
    if (this.keyParts.length > 0) this.keyStart = 0;
    if (this.kindParts.length > 0) this.kindStart = 0;
    const n = chunk.length;
    for (; i < n; i++) {
      if (!this.inString && this.depth >= 3) {
        i = this.insideItem(chunk, i, n);
        if (i === n) break;
        // chunk[i] closes a container on level 3: what follows handles it
      }
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        // Most bytes are inside strings, most strings are short: a plain loop beats a native indexOf per string.
        let d = chunk[i] as number;
        while (d !== QUOTE && d !== BACKSLASH && ++i < n) d = chunk[i] as number;
        if (i === n) break;
        if (d === BACKSLASH) {
          this.escaped = true; // the loop steps onto the escaped byte, which the branch above skips
          continue;
        }
        this.inString = false;
        if (this.depth === 1) this.endTopString(chunk, i);
        continue;
      }
      if (this.depth >= 3) {
        // inside an item: only quotes and brackets matter
        while (i < n && STRUCTURAL[chunk[i] as number] === 0) i++;
        if (i === n) break;
      }
      const c = chunk[i] as number;
      if (c === QUOTE) {
        if (this.depth === 2 && this.itemsPhase === 1) throw new Unsplittable("an item that is a string");
        this.inString = true;
        if (this.depth === 1) this.beginTopString(i);
        continue;
      }
      if (isOpen(c)) {
        if (this.depth === 2 && this.itemsPhase === 1) this.beginItem(i);
        else if (this.depth === 1) this.topValue(chunk, i);
        // tooDeep's count: the top-level object is level 0, a container on level maxDepth is too deep
        if (++this.depth > this.maxDepth) {
          if (this.itemsPhase === 1) this.itemDeep = true;
          this.sink.tooDeep();
        }
        continue;
      }
      if (isClose(c)) {
        this.depth--;
        if (this.depth < 0) throw new Unsplittable("unbalanced brackets");
        if (this.depth === 2 && this.itemsPhase === 1) this.endItem(chunk, i + 1);
        else if (this.depth === 1 && this.itemsPhase === 1) {
          // the end of `items`: the skeleton goes on from its closing bracket
          if (this.between === "value") throw new Unsplittable("a comma before ]");
          this.itemsPhase = 2;
          this.skelStart = i;
          this.top = "comma";
        } else if (this.depth === 1) this.top = "comma";
        else if (this.depth === 0) {
          this.ended = true;
          this.skeleton.push(chunk.subarray(this.skelStart, i + 1));
          for (let k = i + 1; k < n; k++)
            if (!isSpace(chunk[k] as number)) throw new Unsplittable("content after the top-level object");
          return;
        }
        continue;
      }
      if (this.depth === 2 && this.itemsPhase === 1) {
        if (isSpace(c)) continue;
        if (c === COMMA && this.between === "comma") {
          this.between = "value";
          continue;
        }
        throw new Unsplittable("an item that is not an object or a list"); // a scalar item, or a stray comma
      }
      if (this.depth === 1) this.topByte(chunk, i, c);
    }
    // keep what the next chunk continues
    if (this.itemsPhase !== 1 && this.skelStart >= 0) this.skeleton.push(chunk.subarray(this.skelStart));
    this.skelStart = 0;
    if (this.itemStart >= 0) this.itemParts.push(chunk.subarray(this.itemStart));
    if (this.keyStart >= 0) this.keyParts.push(chunk.subarray(this.keyStart));
    if (this.kindStart >= 0) this.kindParts.push(chunk.subarray(this.kindStart));
    this.itemStart = -1;
    this.keyStart = -1;
    this.kindStart = -1;
  }

  /**
   * Below level 3 only strings and brackets matter: one tight loop over them, with the state in locals, up to
   * the bracket that would close a container on level 3 (returned) or the end of the chunk (`n`).
   */
  private insideItem(chunk: Uint8Array, from: number, n: number): number {
    let depth = this.depth;
    let i = from;
    while (i < n) {
      const c = chunk[i] as number;
      if (c === QUOTE) {
        i++;
        while (i < n) {
          const d = chunk[i] as number;
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            if (i + 1 === n) {
              this.escaped = true; // the escaped byte starts the next chunk
              i = n;
              break;
            }
            i += 2;
            continue;
          }
          i++;
        }
        if (i >= n) {
          this.inString = true;
          i = n;
          break;
        }
        i++;
        continue;
      }
      if (c === 0x7b || c === 0x5b) {
        if (++depth > this.maxDepth) {
          if (this.itemsPhase === 1) this.itemDeep = true;
          this.sink.tooDeep();
        }
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === 3) break;
        depth--;
      }
      i++;
    }
    this.depth = depth;
    return i;
  }

  /** The top-level object with `items` emptied, as bytes. Throws Unsplittable when the input did not end. */
  end(): Uint8Array {
    if (!this.ended) throw new Unsplittable("the top-level object does not end");
    return concat(this.skeleton);
  }

  private beginTopString(i: number): void {
    if (this.top === "key") this.keyStart = i;
    else if (this.top === "value") {
      if (this.lastKey === "kind" && this.itemsPhase === 0) this.kindStart = i;
      this.top = "comma";
    } else throw new Unsplittable("a string where none belongs");
  }

  private endTopString(chunk: Uint8Array, i: number): void {
    if (this.keyStart >= 0) {
      this.keyParts.push(chunk.subarray(this.keyStart, i + 1));
      const key = JSON.parse(new TextDecoder().decode(concat(this.keyParts))) as string;
      this.keyParts = [];
      this.keyStart = -1;
      if (this.seenKeys.has(key) && (key === "items" || key === "kind")) throw new Unsplittable(`a second ${key}`);
      this.seenKeys.add(key);
      this.lastKey = key;
      this.top = "colon";
    } else if (this.kindStart >= 0) {
      this.kindParts.push(chunk.subarray(this.kindStart, i + 1));
      const kind: unknown = JSON.parse(new TextDecoder().decode(concat(this.kindParts)));
      this.kindBeforeItems = typeof kind === "string" ? kind : undefined;
      this.kindParts = [];
      this.kindStart = -1;
    }
  }

  private topByte(chunk: Uint8Array, i: number, c: number): void {
    if (isSpace(c)) return;
    if (c === COLON && this.top === "colon") this.top = "value";
    else if (c === COMMA && this.top === "comma") this.top = "key";
    else if (this.top === "value")
      this.top = "comma"; // a number, true, false, null: JSON.parse checks it
    else if (this.top !== "comma") throw new Unsplittable(`unexpected ${String.fromCharCode(chunk[i] as number)}`);
  }

  /** A container opens as a top-level value: `items: [` starts the items. */
  private topValue(chunk: Uint8Array, i: number): void {
    if (this.top !== "value") throw new Unsplittable("a value where none belongs");
    if (this.lastKey === "items" && chunk[i] === 0x5b) {
      this.skeleton.push(chunk.subarray(this.skelStart, i + 1));
      this.skelStart = -1;
      this.itemsPhase = 1;
      this.between = "first";
    }
    this.top = "comma";
  }

  private beginItem(i: number): void {
    if (this.between === "comma") throw new Unsplittable("two items without a comma");
    this.itemStart = i;
    this.itemAt = this.base + i;
    this.itemParts = [];
    this.itemDeep = false;
  }

  private endItem(chunk: Uint8Array, end: number): void {
    this.itemParts.push(chunk.subarray(Math.max(this.itemStart, 0), end));
    const bytes = concat(this.itemParts);
    this.itemParts = [];
    this.itemStart = -1;
    this.between = "comma";
    this.sink.item(bytes, this.itemDeep, this.itemAt);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts);
}
