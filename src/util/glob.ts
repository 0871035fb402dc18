// Patterns come from a handful of flags and are matched against every label of every policy: compile once.
const GLOBS = new Map<string, RegExp>();

/** `*` in a pattern matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, text: string): boolean {
  let re = GLOBS.get(pattern);
  if (!re) {
    re = new RegExp(
      "^" +
        pattern
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*") +
        "$",
    );
    GLOBS.set(pattern, re);
  }
  return re.test(text);
}
