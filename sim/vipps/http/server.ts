import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { sleep, type Clock } from "../../../lib/clock.js";
import { errorMessage } from "../../../lib/errors.js";
import type { Logger } from "../../../lib/log.js";
import { errorResponse, unknownPathResponse, type ApiFamily, type ErrorSpec } from "./error-bodies.js";
import { isEndpointId } from "./endpoints.js";
import type { FaultDecision, FaultInjector } from "./faults.js";
import type { RequestLog } from "./request-log.js";
import type { SimResponse } from "./responses.js";
import { familyOfPath, matchRoute, type RequestContext, type Route } from "./router.js";

/** Request bodies above this are refused with 413 (Vipps bodies are a few kilobytes). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerDeps {
  readonly routes: readonly Route[];
  readonly faults: FaultInjector;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly requestLog: RequestLog;
  /** Aborted when the simulator closes: pending injected latencies end at once. */
  readonly lifetime: AbortSignal;
}

export interface RunningHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const NO_FAULT: FaultDecision = { latencyMs: 0, retryAfterSeconds: 1, ruleIds: [] };

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function write(res: ServerResponse, response: SimResponse): void {
  res.writeHead(response.status, { ...response.headers, "content-length": String(response.body.length) });
  res.end(response.body);
}

function faultResponse(family: ApiFamily, path: string, now: number, decision: FaultDecision): SimResponse {
  const status = decision.status ?? 500;
  const retryAfter: Record<string, string> =
    status === 429 || status === 503 ? { "retry-after": String(decision.retryAfterSeconds) } : {};
  const spec: ErrorSpec = {
    status,
    title:
      status === 423
        ? "Locked"
        : status === 429
          ? "Too Many Requests"
          : status === 503
            ? "Service Unavailable"
            : "Internal Server Error",
    detail:
      status === 423
        ? "Another operation holds this payment; retry shortly with the same Idempotency-Key."
        : `Injected fault (${status}).`,
    ...(status === 423 ? { code: "6160" } : {}),
    ...(status === 429 ? { oauthError: "slow_down" } : {}),
    headers: retryAfter,
  };
  return errorResponse(family, path, now, spec);
}

export async function startHttpServer(
  deps: HttpServerDeps,
  host: string,
  port: number,
): Promise<RunningHttpServer> {
  const sockets = new Set<Socket>();
  const log = deps.logger;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = deps.clock.now();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const path = url.pathname;
    const match = matchRoute(deps.routes, method, path);
    const family = match.kind === "none" ? familyOfPath(path) : match.route.family;
    const endpoint = match.kind === "none" ? "unknown" : match.route.endpoint;
    const note: RequestContext["note"] = {};
    let decision = NO_FAULT;
    // Control paths may carry an MSISDN (/_sim/customers/{msisdn}): those are recorded by their
    // template, so no phone number reaches the request log or a log line.
    const shownPath = match.kind !== "none" && match.route.family === "control" ? match.route.template : path;
    const record = (status: number | "dropped"): void => {
      deps.requestLog.add({
        at: new Date(arrivedAt).toISOString(),
        method,
        path: shownPath,
        endpoint,
        status,
        faults: decision.ruleIds,
        ...note,
      });
      log.debug({ method, path: shownPath, endpoint, status }, "request");
    };
    const answer = (response: SimResponse): void => {
      record(response.status);
      write(res, response);
    };

    let rawBody: Buffer;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        answer(
          errorResponse(family, path, deps.clock.now(), {
            status: 413,
            title: "Payload Too Large",
            detail: `bodies are limited to ${MAX_BODY_BYTES} bytes`,
          }),
        );
      }
      return;
    }

    if (match.kind === "none") {
      answer(unknownPathResponse(method, path));
      return;
    }
    if (match.kind === "wrong-method") {
      answer(
        errorResponse(family, path, deps.clock.now(), {
          status: 405,
          title: "Method Not Allowed",
          detail: `${method} ${path} is not an endpoint of this API`,
          oauthError: "invalid_request",
        }),
      );
      return;
    }
    if (match.kind === "bad-encoding") {
      answer(
        errorResponse(family, path, deps.clock.now(), {
          status: 400,
          title: "Bad Request",
          detail: "malformed percent-encoding in the path",
        }),
      );
      return;
    }

    const { route, params } = match;
    if (isEndpointId(route.endpoint)) decision = deps.faults.decide(route.endpoint);
    if (decision.latencyMs > 0) {
      try {
        await sleep(deps.clock, decision.latencyMs, deps.lifetime);
      } catch {
        req.socket.destroy();
        return;
      }
    }
    if (decision.drop === "before") {
      record("dropped");
      req.socket.destroy();
      return;
    }
    const now = deps.clock.now();
    if (decision.status !== undefined) {
      answer(faultResponse(family, path, now, decision));
      return;
    }
    const ctx: RequestContext = {
      method,
      url,
      path,
      params,
      headers: req.headers,
      rawBody,
      endpoint: route.endpoint,
      family,
      now,
      note,
      error: (spec) => errorResponse(family, path, now, spec),
      header: (name) => firstHeader(req, name),
    };
    let response: SimResponse;
    try {
      response = await route.handle(ctx);
    } catch (error) {
      log.error({ endpoint, err: errorMessage(error) }, "simulator handler failed");
      response = ctx.error({
        status: 500,
        title: "Internal Server Error",
        detail: "the simulator failed to handle this request",
      });
    }
    if (decision.drop === "after") {
      record("dropped");
      req.socket.destroy();
      return;
    }
    answer(response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: errorMessage(error) }, "simulator request failed");
      res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${hostPart}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
