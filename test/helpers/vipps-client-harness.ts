import { Writable } from "node:stream";
import { expect, vi } from "vitest";
import { createLogger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { VippsClient, type VippsClientOptions } from "../../agent/vipps/index.js";
import { apiForPath, validateRequest } from "../contract/openapi.js";
import * as ex from "../contract/examples.js";
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "./scripted-http-server.js";

/**
 * A VippsClient wired to a scripted loopback server, a ManualClock (backoff sleeps and token
 * expiry), a fixed random (jitter = half the ceiling) and a captured trace-level log. Tests of
 * agent/vipps use it; `contractProblems()` validates every request the client sent against
 * the official specs.
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
  /** Waits until a backoff sleep is pending, then moves the clock by `ms`. */
  advanceWhenWaiting(ms: number): Promise<void>;
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
    ...overrides,
  });
  return {
    server,
    clock,
    client,
    logText: () => chunks.join(""),
    contractProblems: () => server.requests.flatMap((r) => requestProblems(r)),
    async advanceWhenWaiting(ms) {
      await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0), { timeout: 10_000 });
      clock.advance(ms);
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
