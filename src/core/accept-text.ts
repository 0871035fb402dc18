import { diffArrays } from "diff";
import { type Node, Scalar, visit } from "yaml";

// The `yaml` package re-writes a document from its tree: comments and key order survive, but spacing does not
// always (`{a: b}` padding, two spaces before a comment, `0123` written as 83, four-space indentation). So the
// edit is made on the tree, and only the lines it changed are carried into the file as written: the other lines,
// and every document the edit did not touch, stay byte for byte. A three-way merge of lines: `before` is the
// tree written out unedited, `after` the tree written out edited, `original` the file.

/** `original` with the line changes that turn `before` into `after`. */
export function carryLineChanges(original: string, before: string, after: string): string {
  // A CRLF file is merged as LF and written back CRLF, so no line comes out with the other ending.
  const crlf = original.includes("\r\n");
  const src = (crlf ? original.replace(/\r\n/g, "\n") : original).split("\n");
  const old = before.split("\n");
  const next = after.split("\n");
  // Which line of the file each line of `before` is: the same text, or the same number of lines re-spaced in
  // place (a run removed next to a run as long added).
  const inSrc: number[] = new Array(old.length).fill(-1);
  const parts = diffArrays(old, src);
  let i = 0;
  let j = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as (typeof parts)[number];
    const n = part.count ?? part.value.length;
    const pair = parts[p + 1];
    if (part.removed && pair?.added && (pair.count ?? pair.value.length) === n) {
      for (let k = 0; k < n; k++) inSrc[i++] = j++;
      p++;
    } else if (part.added) j += n;
    else if (part.removed) i += n;
    else for (let k = 0; k < n; k++) inSrc[i++] = j++;
  }
  const hunks = changeHunks(old, next);
  const out: string[] = [];
  let at = 0; // next line of the file not yet copied
  for (let h = 0; h < hunks.length; h++) {
    const hunk = hunks[h] as Hunk;
    // Widen the hunk until the lines around it are lines of the file: a re-spaced line next to an edit is
    // taken as the edit writes it, so nothing is inserted beside a line the file spells differently.
    while (hunk.from > 0 && inSrc[hunk.from - 1] === -1) hunk.lines.unshift(old[--hunk.from] as string);
    for (;;) {
      const following = hunks[h + 1];
      if (following && following.from <= hunk.to) {
        hunk.lines.push(...following.lines);
        hunk.to = Math.max(hunk.to, following.to);
        hunks.splice(h + 1, 1);
      } else if (hunk.to < old.length && inSrc[hunk.to] === -1) hunk.lines.push(old[hunk.to++] as string);
      else break;
    }
    const start = hunk.from > 0 ? (inSrc[hunk.from - 1] as number) + 1 : 0;
    const end = hunk.to < old.length ? (inSrc[hunk.to] as number) : src.length;
    out.push(...src.slice(at, start));
    const paired = hunk.lines.length === hunk.to - hunk.from && end - start === hunk.lines.length;
    if (paired)
      hunk.lines.forEach((line, k) => {
        out.push(respell(src[start + k] as string, old[hunk.from + k] as string, line));
      });
    else {
      // New lines are indented as the tree writes them; the line before them says how the file indents instead.
      const delta =
        hunk.from > 0 && start > 0 ? indentOf(src[start - 1] as string) - indentOf(old[hunk.from - 1] as string) : 0;
      out.push(
        ...hunk.lines.map((l) => (l.trim() === "" ? l : " ".repeat(Math.max(0, indentOf(l) + delta)) + l.trimStart())),
      );
    }
    at = end;
  }
  out.push(...src.slice(at));
  return crlf ? out.join("\r\n") : out.join("\n");
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * One edited line in the file's spelling: `before` → `after` changed one stretch of the line; where the file's
 * line starts the same up to that stretch, the rest of it (the spacing before a comment, say) is the file's.
 */
function respell(line: string, before: string, after: string): string {
  if (after === before) return line;
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let q = 0;
  while (q < before.length - p && q < after.length - p && before[before.length - 1 - q] === after[after.length - 1 - q])
    q++;
  const head = before.slice(0, before.length - q);
  return line.startsWith(head) ? after.slice(0, after.length - q) + line.slice(head.length) : after;
}

interface Hunk {
  /** Lines [from, to) of `before` are replaced by `lines`. */
  from: number;
  to: number;
  lines: string[];
}

function changeHunks(old: string[], next: string[]): Hunk[] {
  const hunks: Hunk[] = [];
  let i = 0;
  let open: Hunk | undefined;
  for (const part of diffArrays(old, next)) {
    const n = part.count ?? part.value.length;
    if (!part.added && !part.removed) {
      open = undefined;
      i += n;
      continue;
    }
    if (!open) {
      open = { from: i, to: i, lines: [] };
      hunks.push(open);
    }
    if (part.removed) {
      i += n;
      open.to = i;
    } else open.lines.push(...part.value);
  }
  return hunks;
}

/** How a file indents, so that what the edit adds lines up with what is there. */
export function styleOf(text: string): { indent: number; indentSeq: boolean } {
  const rows = text.split("\n").filter((r) => !/^\s*(#.*)?$/.test(r) && !r.startsWith("---"));
  let indent = 0;
  let indentSeq = true;
  for (let k = 0; k + 1 < rows.length; k++) {
    const row = rows[k] as string;
    const nextRow = rows[k + 1] as string;
    if (!/:\s*(#.*)?$/.test(row)) continue;
    const a = row.length - row.trimStart().length;
    const b = nextRow.length - nextRow.trimStart().length;
    if (b === a && nextRow.trimStart().startsWith("- ")) indentSeq = false;
    if (indent === 0 && a === 0 && b > 0 && !nextRow.trimStart().startsWith("- ")) indent = b;
  }
  return { indent: Math.min(Math.max(indent || 2, 1), 8), indentSeq };
}

// go-yaml v2 (what kubectl reads with) turns these plain words into booleans or null.
const WORDS = new Set(
  "y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split(" "),
);

/**
 * A string written plain reads back as the same string under YAML 1.1 as kubectl reads it: a letter first (no
 * number, sign, `.inf`, `~`, indicator), then name characters, and not one of the boolean or null words; or
 * an IPv4 CIDR.
 * Anything else is written double-quoted (`"on"`, `"8080"`, `"0o17"`, `""`).
 */
export function plainIsString(s: string): boolean {
  // A digit first is a number to go-yaml unless something no number has follows: a `/` (a CIDR) is enough.
  return (/^[A-Za-z][A-Za-z0-9._/-]*$/.test(s) || /^[0-9][0-9.]*\/[0-9]+$/.test(s)) && !WORDS.has(s);
}

/** Every string scalar in `n` that would not read back as a string when plain, set double-quoted. */
export function quoteWherePlainIsNotString(n: unknown): void {
  visit(n as Node, {
    Scalar(_, s) {
      if (typeof s.value === "string" && !plainIsString(s.value)) s.type = Scalar.QUOTE_DOUBLE;
    },
  });
}
