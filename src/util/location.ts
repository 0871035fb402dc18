// Where something is in a file, said one way everywhere: `file:line` (F-D9), under the folder the command
// was given so a CI can annotate the right path.

/** A file named relative to `root` as a path from where the command ran ("" or "." = the file as is). */
export function pathUnder(root: string, file: string): string {
  const joined = root && root !== "." ? `${root.replace(/\/+$/, "")}/${file}` : file;
  return joined.replace(/^\.\//, "");
}

/** A `/` path with its `.` and `dir/..` steps taken out (`desired/../rules.yaml` → `rules.yaml`); any other
 *  part, empty ones included, is a file name's and stays as it is. */
export function collapsePath(file: string): string {
  const out: string[] = [];
  for (const part of file.split("/")) {
    if (part === ".") continue;
    const last = out[out.length - 1];
    if (part === ".." && last !== undefined && last !== ".." && last !== "") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/** `file:line`, or the file, or "" (under `root`). */
export function fileLine(x: { file?: string; line?: number }, root = ""): string {
  if (!x.file) return "";
  const file = pathUnder(root, x.file);
  return x.line ? `${file}:${x.line}` : file;
}
