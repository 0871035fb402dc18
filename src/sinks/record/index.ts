export { fingerprint, NO_DRIFT, shortFingerprint } from "./fingerprint.js";
export * from "./record.js";
