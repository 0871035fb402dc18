import http from "node:http";
import https from "node:https";
import { errorMessage } from "../../util/errors.js";

/** A non-2xx answer of the API server: its code and body (a Status object, usually). */
export class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
  ) {
    super(`HTTP ${code}`);
  }
}

/** A read that stalls this long (no byte from the server) fails: a hung list is a failed list. */
const IDLE_TIMEOUT_MS = 120_000;

/**
 * GET `url` with the kubeconfig's TLS, credentials and proxy agent (`options` from client-node's
 * applyToHTTPSOptions) and JSON.parse the body. Resolves only for a complete 2xx body: a connection that
 * drops mid-answer rejects, and so does a body that is not JSON.
 */
export function getJson(url: URL, options: https.RequestOptions): Promise<unknown> {
  const transport = url.protocol === "http:" ? http : https;
  const headers = { ...(options.headers ?? {}), Accept: "application/json" };
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { ...options, method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("the connection closed before the whole answer arrived")));
      res.on("end", () => {
        if (!res.complete) return reject(new Error("the connection closed before the whole answer arrived"));
        const text = Buffer.concat(chunks).toString("utf8");
        const code = res.statusCode ?? 0;
        if (code < 200 || code > 299) return reject(new HttpStatusError(code, text));
        try {
          resolve(JSON.parse(text) as unknown);
        } catch (err) {
          reject(new Error(`the answer is not JSON: ${errorMessage(err)}`));
        }
      });
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no answer for ${IDLE_TIMEOUT_MS / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}
