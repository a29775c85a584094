import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";

/** A request as it reached one of this process's HTTP servers, `performance.now()` ms. */
export interface Arrival {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** Lower-cased names, as node:http parsed them. */
  readonly headers: IncomingMessage["headers"];
}

const CHANNEL = "http.server.request.start";

/**
 * Every request that reaches an HTTP server of this process (the bridge's, the simulator's),
 * timed the moment node:http has parsed its head — through Node's diagnostics channel, so
 * neither server knows it is being timed. `take` hands over what arrived since the last call.
 */
export function watchHttpArrivals(): { take(): Arrival[]; stop(): void } {
  let arrivals: Arrival[] = [];
  const onRequest = (message: unknown): void => {
    const { request } = message as { request: IncomingMessage };
    arrivals.push({
      at: performance.now(),
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
    });
  };
  subscribe(CHANNEL, onRequest);
  return {
    take() {
      const taken = arrivals;
      arrivals = [];
      return taken;
    },
    stop: () => unsubscribe(CHANNEL, onRequest),
  };
}
