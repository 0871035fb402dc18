import { errorMessage } from "../util/errors.js";
// Tokens reach us in URLs (https://user:token@host), Slack webhook paths and headers. Every log line and
// error message that may carry one goes through redact() first.

const MASK = "***";
// Minimum length before a configured secret is masked by value: short strings would mask ordinary words.
const MIN_SECRET = 6;

/** Strip credentials from any text: URL userinfo, token-like query values, Slack webhook paths, bearer/basic
 *  headers, and every configured secret by value (also its base64 forms, as they appear in auth headers). */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, `$1${MASK}@`)
    .replace(/([?&](?:access_token|private_token|token|key|sig|signature|password)=)[^&\s'"]+/gi, `$1${MASK}`)
    .replace(/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s'"]+/gi, `$1${MASK}`)
    .replace(/\b(authorization:\s*(?:bearer|basic|token)\s+)[^\s'"]+/gi, `$1${MASK}`)
    .replace(/\b(private-token:\s*)[^\s'"]+/gi, `$1${MASK}`)
    .replace(
      /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,})\b/g,
      MASK,
    );
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET) continue;
    for (const form of secretForms(secret)) out = out.split(form).join(MASK);
  }
  return out;
}

function secretForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")];
}

/** The message of any thrown value, redacted. */
export function redactError(err: unknown, secrets: readonly (string | undefined)[] = []): string {
  return redact(errorMessage(err), secrets);
}

/** A URL without its userinfo, for logs and records ("https://host/org/repo.git"). */
export function safeUrl(url: string): string {
  return redact(url).replace(`${MASK}@`, "");
}
