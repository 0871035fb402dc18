export { normalizePolicy, comparable } from "./policy.js";
export { normalizeSpec } from "./spec.js";
export { normalizeSelector } from "./selector.js";
export { canonicalJson } from "./canonical.js";
