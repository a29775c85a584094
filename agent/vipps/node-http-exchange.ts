import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * One HTTP request/answer, the only thing the Vipps client needs from the network. The
 * default is `createNodeHttpExchange` (node:http / node:https with a keep-alive pool); tests
 * wrap it to observe every exchange.
 */
export interface ExchangeRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborting it destroys the request at once; the exchange then rejects with the signal's reason. */
  readonly signal: AbortSignal;
}

export interface AnswerHeaders {
  /** The header's value (repeated headers joined by ", "), or null when absent. Case-insensitive. */
  get(name: string): string | null;
}

export interface ExchangeAnswer {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly text: string;
}

export type HttpExchange = (request: ExchangeRequest) => Promise<ExchangeAnswer>;

/**
 * A Vipps answer is a few kilobytes; anything past this is not an answer we can use, and
 * reading it would let whoever sits at the other end fill the till's memory.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * How long an idle connection is kept for the next request. Long enough for a sale's create,
 * capture and the polls in between to share one connection (and one TLS handshake); short
 * enough that a NAT or mobile router on the till's line has not silently dropped it — a reused
 * dead connection would cost a whole request timeout. A server's `Keep-Alive: timeout=` hint
 * that is shorter wins (Node's agent closes a second before it).
 */
const IDLE_CONNECTION_MS = 15_000;

export interface NodeHttpExchange {
  readonly exchange: HttpExchange;
  /** Closes the idle connections and refuses nothing: for the end of the client's life. */
  close(): void;
}

/**
 * node:http / node:https with a keep-alive agent per client. Chosen over the built-in fetch
 * for memory: 2,000 requests to a loopback server cost +34 MB RSS through fetch (undici and its
 * per-request web streams) and +10 MB through node:http (issue 16), and the daemon runs on a
 * Raspberry Pi for months. Redirects are never followed (node:http does not), so client
 * credentials cannot be handed to wherever a redirect points.
 */
export function createNodeHttpExchange(): NodeHttpExchange {
  const agentOptions = {
    keepAlive: true,
    timeout: IDLE_CONNECTION_MS,
    maxFreeSockets: 4,
    scheduling: "lifo" as const,
  };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  const exchange: HttpExchange = (request) =>
    new Promise<ExchangeAnswer>((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const target = new URL(request.url);
      const secure = target.protocol === "https:";
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(request.body));
      const req = (secure ? httpsRequest : httpRequest)(target, {
        method: request.method,
        headers,
        agent: secure ? https : http,
      });
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        reject(error);
      };
      const onAbort = (): void => {
        fail(abortReason(signal));
        req.destroy();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.on("response", (res) => {
        readAnswer(res).then((text) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve({ status: res.statusCode ?? 0, headers: answerHeaders(res), text });
        }, fail);
      });
      req.end(request.body);
    });
  return {
    exchange,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException("aborted", "AbortError");
}

function readAnswer(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        res.destroy(
          Object.assign(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`), {
            code: "EANSWERTOOLARGE",
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
    // A connection that closes before the whole body arrived ends with 'aborted'/'close', not 'end'.
    res.on("close", () => {
      if (!res.complete)
        reject(Object.assign(new Error("connection closed mid-answer"), { code: "ECONNRESET" }));
    });
  });
}

function answerHeaders(res: IncomingMessage): AnswerHeaders {
  // The plain object only: holding `res` would hold its socket too.
  const all = res.headers;
  return {
    get(name) {
      const value = all[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}
