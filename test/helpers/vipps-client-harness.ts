import { Writable } from "node:stream";
import { expect, vi } from "vitest";
import { createLogger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { VippsClient, type VippsClientOptions } from "../../agent/vipps/index.js";
import { apiForPath, validateRequest } from "../contract/openapi.js";
import * as ex from "../contract/examples.js";
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "./scripted-http-server.js";

/**
 * A VippsClient wired to a scripted loopback server, a ManualClock (attempt timeouts, backoff
 * sleeps and token expiry), a fixed random (jitter = half the ceiling) and a captured
 * trace-level log. Tests of agent/vipps use it; `contractProblems()` validates every request
 * the client sent against the official specs.
 *
 * Every attempt in flight holds one timer on the clock (its timeout), so "the client is
 * sleeping before a retry" is a timer pending beyond those: the harness counts the attempts
 * in flight at the exchange to tell the two apart. Nothing times out unless a test moves the
 * clock while an attempt is in flight.
 */
export const SECRETS = {
  clientId: "0b5c6d3e-1111-2222-3333-444455556666",
  clientSecret: "cs-Y8Kteew6GE2ZmeycEt6egg",
  subscriptionKey: "sk-da7d5b0e18a84aeda961c0c31b75c2a9",
} as const;

export const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJ0aWxsIjoia2Fzc2UxIn0.sig-one";

export interface Harness {
  readonly server: ScriptedServer;
  readonly clock: ManualClock;
  readonly client: VippsClient;
  /** Everything logged so far (NDJSON text). */
  logText(): string;
  /** One problem line per request that breaks the contract of its API. */
  contractProblems(): string[];
  /** Attempts handed to the network and not settled yet (each holds its timeout on the clock). */
  attemptsInFlight(): number;
  /** True while the client sleeps between attempts: no attempt in flight, a timer pending. */
  waitingToRetry(): boolean;
  /** Waits until the client sleeps between attempts, then moves the clock by `ms`. */
  advanceWhenWaiting(ms: number): Promise<void>;
  /**
   * Waits until `requests` requests to `method path` have reached the server and one attempt
   * is in flight, then moves the clock by exactly `timeoutMs` (after checking that 1 ms less
   * leaves the attempt alone) and waits until the attempt has ended: it timed out on the clock,
   * as a hung Vipps makes it.
   */
  expireAttempt(method: string, path: string | RegExp, requests: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<VippsClientOptions> = {}): Promise<Harness> {
  const server = await startScriptedServer();
  const clock = new ManualClock(Date.UTC(2026, 7, 21, 10, 0, 0));
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      callback();
    },
  });
  let inFlight = 0;
  const { exchange: wrapExchange, ...rest } = overrides;
  const client = new VippsClient({
    baseUrl: server.url,
    ...SECRETS,
    msn: ex.EXAMPLE_MSN,
    system: {
      name: "vipps-pos-agent",
      version: "0.1.0",
      pluginName: "acme-register",
      pluginVersion: "2.3.1",
    },
    timeoutMs: 5_000,
    maxRetries: 3,
    clock,
    random: () => 0.5,
    logger: createLogger({ destination, level: "trace" }),
    ...rest,
    exchange: (real) => {
      const inner = wrapExchange?.(real) ?? real;
      return async (request) => {
        inFlight++;
        try {
          return await inner(request);
        } finally {
          inFlight--;
        }
      };
    },
  });
  const waitingToRetry = (): boolean => inFlight === 0 && clock.pending > 0;
  return {
    server,
    clock,
    client,
    logText: () => chunks.join(""),
    contractProblems: () => server.requests.flatMap((r) => requestProblems(r)),
    attemptsInFlight: () => inFlight,
    waitingToRetry,
    async advanceWhenWaiting(ms) {
      await vi.waitFor(() => expect(waitingToRetry()).toBe(true), { timeout: 10_000 });
      clock.advance(ms);
    },
    async expireAttempt(method, path, requests, timeoutMs) {
      await vi.waitFor(
        () => {
          expect(server.requestsTo(method, path)).toHaveLength(requests);
          expect(inFlight).toBe(1);
        },
        { timeout: 10_000 },
      );
      clock.advance(timeoutMs - 1);
      expect(inFlight).toBe(1);
      clock.advance(1);
      // Well under any real attempt timeout: only the clock can have ended it this soon.
      await vi.waitFor(() => expect(inFlight).toBe(0), { timeout: 2_000 });
    },
    close: () => server.close(),
  };
}

function requestProblems(r: RecordedRequest): string[] {
  const api = apiForPath(r.pathname);
  if (api === undefined) return [`${r.method} ${r.url}: not a Vipps API path`];
  const body = r.body.length === 0 ? undefined : r.text;
  return validateRequest(api, r.method, r.url, { headers: r.headers, body }).map(
    (p) => `${r.method} ${r.url}: ${p}`,
  );
}

export const nok = (value: number): { currency: "NOK"; value: number } => ({ currency: "NOK", value });

/** A 200 access-token answer for the scripted server. */
export function tokenReply(token = TOKEN, expiresIn = 3600): { status: number; json: unknown } {
  return { status: 200, json: ex.accessTokenBody(token, expiresIn) };
}
