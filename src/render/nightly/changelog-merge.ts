// The CHANGELOG when the drift branch and main both appended to it (a person's entry on main, ours on the
// branch): main's text, then each of our entries the branch has and main lacks, in the branch's order. Main's
// text is kept as it is, so what people wrote there survives the merge; our entries are recognised by their
// heading and trailing marker, and one already on main (a merged change request, even with its text touched
// up there since) is not added twice. The dated heading and the marker together name an entry: the same
// drift can come back (kind and fingerprint repeat), never in the same minute. Pure.

// One of our entries: its dated heading, lines that start no other heading, and the marker that ends it.
const ENTRY =
  /^## \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC — [^\n]*\n(?:(?!## )[^\n]*\n)*?<!-- netpol-drift cluster=\S+ kind=(?:new|changed|resolved) fingerprint=[0-9a-f]+ -->$/gm;

/** Our entries in a CHANGELOG, verbatim, oldest first. */
export function entryBlocks(text: string): string[] {
  return [...text.matchAll(ENTRY)].map((m) => m[0]);
}

export function mergeChangelog(branch: string, main: string): string {
  let out = main;
  const present = new Set(entryBlocks(main).map(identity));
  for (const block of entryBlocks(branch)) {
    if (present.has(identity(block))) continue;
    present.add(identity(block));
    const sep = out === "" || out.endsWith("\n\n") ? "" : out.endsWith("\n") ? "\n" : "\n\n";
    out = `${out}${sep}${block}\n`;
  }
  return out;
}

function identity(block: string): string {
  return `${block.slice(0, block.indexOf("\n"))}\n${block.slice(block.lastIndexOf("\n") + 1)}`;
}
