// Pure: a field pointer of an ignore rule, read and checked against the NetworkPolicy schema, so that a typo
// (`/spec/ingres`) is an error at its line rather than a rule that silently ignores nothing.
import type { FieldPointer } from "../model/rules.js";
import { editDistanceAtMostOne, NETWORK_POLICY } from "../sources/desired/schema.js";
import { globMatch, globProblem } from "../util/glob.js";

type ShapeNode = string | { map: ShapeNode } | { list: ShapeNode } | { fields: Record<string, ShapeNode> };

/** A JSON pointer (RFC 6901, `~1` for `/`, `~0` for `~`) whose segments are globs → its segments, or why not. */
export function parsePointer(text: string): { pointer: FieldPointer } | { problem: string } {
  if (!text.startsWith("/"))
    return { problem: `a field path is a JSON pointer starting with "/", got ${JSON.stringify(text)}` };
  const segs = text
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  for (const s of segs) {
    if (s === "") return { problem: `empty segment in ${JSON.stringify(text)}` };
    const bad = globProblem(s);
    if (bad) return { problem: `segment ${JSON.stringify(s)} of ${JSON.stringify(text)}: ${bad}` };
  }
  const [top, sub] = segs;
  if (top === "metadata") {
    if (sub !== "labels" && sub !== "annotations") {
      return { problem: `only /metadata/labels and /metadata/annotations are compared, got ${JSON.stringify(text)}` };
    }
    if (segs.length > 3) return { problem: `a label or annotation is one segment (write "/" inside a key as "~1")` };
    return { pointer: segs };
  }
  if (top !== "spec") {
    const near = ["spec", "metadata"].find((k) => editDistanceAtMostOne(k, top ?? ""));
    return {
      problem: `a field path starts with /spec or /metadata/{labels,annotations}, got ${JSON.stringify(text)}${near ? ` (did you mean "/${near}"?)` : ""}`,
    };
  }
  const problem = checkSpecPath(segs);
  return problem ? { problem } : { pointer: segs };
}

/** Walks the schema: a list takes `*` (every element), a mapping of fields a field name, a map any key glob. */
function checkSpecPath(segs: string[]): string | undefined {
  const spec = (NETWORK_POLICY as { fields: Record<string, ShapeNode> }).fields.spec as ShapeNode;
  let shape: ShapeNode = spec;
  const at: string[] = ["spec"];
  for (const seg of segs.slice(1)) {
    if (typeof shape === "string") return `${formatAt(at)} has no fields below it (it is a ${shape})`;
    if ("list" in shape) {
      if (seg !== "*") {
        return `${formatAt(at)} is a list, compared as a set in canonical order: write "*" for its elements, not ${JSON.stringify(seg)}`;
      }
      shape = shape.list;
    } else if ("map" in shape) shape = shape.map;
    else {
      const fields = shape.fields;
      const field = fields[seg];
      if (field === undefined) {
        const names = Object.keys(fields);
        if (!names.some((n) => globMatch(seg, n))) {
          const near = names.find((n) => n.toLowerCase() === seg.toLowerCase() || editDistanceAtMostOne(n, seg));
          return `unknown field "${[...at, seg].join(".")}"${near ? ` (did you mean "${[...at, near].join(".")}"?)` : ""}; known here: ${names.join(", ")}`;
        }
        return undefined; // a glob over field names: the fields below it differ, so stop checking here
      }
      shape = field;
    }
    at.push(seg);
  }
  return undefined;
}

function formatAt(at: string[]): string {
  return `"${at.join(".")}"`;
}
