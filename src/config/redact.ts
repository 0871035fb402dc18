// Moved to util/ so sinks can mask secrets without importing config/.
export { redact, redactError, safeUrl } from "../util/redact.js";
