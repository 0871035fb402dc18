import { createPrivateKey, sign } from "node:crypto";
import { readFile } from "node:fs/promises";

/**
 * Re-sign a real ServiceAccount token with the control plane's signing key and a new lifetime: the same
 * token the API server issued, but expired (or not). Only a test that owns the signing key can do this.
 */
export async function resign(
  token: string,
  saKeyFile: string,
  lifetime: { iat: number; exp: number },
): Promise<string> {
  const [header, payload] = token.split(".") as [string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const body = Buffer.from(
    JSON.stringify({ ...claims, iat: lifetime.iat, nbf: lifetime.iat, exp: lifetime.exp }),
  ).toString("base64url");
  // RS256 or ES256, whichever key the control plane signs with; JWS wants ECDSA as raw r||s, not DER.
  const key = createPrivateKey(await readFile(saKeyFile, "utf8"));
  const signature = sign("sha256", Buffer.from(`${header}.${body}`), { key, dsaEncoding: "ieee-p1363" });
  return `${header}.${body}.${signature.toString("base64url")}`;
}
