import { createSign } from "node:crypto";
import { readFile } from "node:fs/promises";

/**
 * Re-sign a real ServiceAccount token with the control plane's signing key and a new lifetime: the same
 * token the API server issued, but expired (or not). Only a test that owns the signing key can do this.
 */
export async function resign(token: string, saKeyFile: string, lifetime: { iat: number; exp: number }): Promise<string> {
  const [header, payload] = token.split(".") as [string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const body = Buffer.from(JSON.stringify({ ...claims, iat: lifetime.iat, nbf: lifetime.iat, exp: lifetime.exp })).toString("base64url");
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${body}`);
  return `${header}.${body}.${signer.sign(await readFile(saKeyFile, "utf8")).toString("base64url")}`;
}
