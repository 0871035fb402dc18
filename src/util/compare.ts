/** Code-unit order (not locale order): stable across machines, so sorted output is byte-identical everywhere. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
