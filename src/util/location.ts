// Where something is in a file, said one way everywhere: `file:line` (F-D9), under the folder the command
// was given so a CI can annotate the right path.

/** A file named relative to `root` as a path from where the command ran ("" or "." = the file as is). */
export function pathUnder(root: string, file: string): string {
  const joined = root && root !== "." ? `${root.replace(/\/+$/, "")}/${file}` : file;
  return joined.replace(/^\.\//, "");
}

/** `file:line`, or the file, or "" (under `root`). */
export function fileLine(x: { file?: string; line?: number }, root = ""): string {
  if (!x.file) return "";
  const file = pathUnder(root, x.file);
  return x.line ? `${file}:${x.line}` : file;
}
