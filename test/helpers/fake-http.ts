// The common part of the SaaS stand-ins: an HTTP server on 127.0.0.1 (port 0) that records every request,
// plays injected faults before the real handler, and collects contract violations for the test to assert on.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Raw request target as sent, percent-encoding kept (e.g. /api/v4/projects/group%2Fapp/merge_requests). */
  rawPath: string;
  /** Decoded path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  bodyText: string;
  /** Parsed JSON body, when the body was JSON. */
  body?: unknown;
}

export interface Fault {
  /** Which requests it applies to; all when absent. */
  match?: (req: RecordedRequest) => boolean;
  /** How many matching requests it answers; default 1. Infinity for every one. */
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Never answer (the socket stays open until the server closes). */
  hang?: boolean;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Every way a request broke the documented contract; a passing test leaves this empty. */
  readonly violations: string[] = [];
  private readonly faults: (Fault & { left: number })[] = [];
  private server?: Server;
  private baseUrl = "";

  /**
   * `check` sees every request, faulted or not, and records contract violations; `handler` answers the ones no
   * fault took.
   */
  constructor(
    private readonly handler: Handler,
    private readonly check?: (req: RecordedRequest) => void,
  ) {}

  get url(): string {
    if (!this.baseUrl) throw new Error("fake server not started");
    return this.baseUrl;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Hanging requests keep their sockets open; close them so the server can stop.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  violation(message: string): void {
    this.violations.push(message);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bodyText = Buffer.concat(chunks).toString("utf8");
    const rawPath = req.url ?? "/";
    const parsed = new URL(rawPath, "http://fake.invalid");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      rawPath,
      path: decodeURIComponent(parsed.pathname),
      query: parsed.searchParams,
      headers: req.headers,
      bodyText,
    };
    if (bodyText && /json/.test(String(req.headers["content-type"]))) {
      try {
        recorded.body = JSON.parse(bodyText);
      } catch {
        recorded.body = undefined;
      }
    }
    this.requests.push(recorded);
    try {
      this.check?.(recorded);
    } catch (err) {
      this.violation(`contract check crashed on ${recorded.method} ${rawPath}: ${(err as Error).message}`);
    }

    const fault = this.faults.find((f) => f.left > 0 && (!f.match || f.match(recorded)));
    if (fault) {
      fault.left--;
      if (fault.hang) return;
      return send(res, {
        status: fault.status ?? 500,
        headers: fault.headers,
        body: fault.body ?? { message: "injected fault" },
      });
    }
    try {
      send(res, await this.handler(recorded));
    } catch (err) {
      this.violation(`handler crashed on ${recorded.method} ${rawPath}: ${(err as Error).message}`);
      send(res, { status: 500, body: { message: "fake server error" } });
    }
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === "string";
  const payload = reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
  const headers: Record<string, string> = {
    "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
    ...reply.headers,
  };
  res.writeHead(reply.status, headers);
  res.end(reply.status === 204 ? undefined : payload);
}

/** What every fake service exposes of its HTTP server: the record of requests, contract violations, faults. */
export abstract class FakeService {
  protected abstract readonly http: FakeHttpServer;
  get requests(): RecordedRequest[] {
    return this.http.requests;
  }
  get violations(): string[] {
    return this.http.violations;
  }
  inject(fault: Fault): void {
    this.http.inject(fault);
  }
  close(): Promise<void> {
    return this.http.close();
  }
}
