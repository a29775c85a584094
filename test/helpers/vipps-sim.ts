import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import {
  startVippsSimulator,
  type SalesUnit,
  type VippsSimulator,
  type VippsSimulatorOptions,
} from "../../sim/vipps/index.js";

/**
 * Test helpers around the Vipps MobilePay simulator (sim/vipps): a simulator on a ManualClock,
 * plain-fetch API calls with the right headers, and a webhook receiver on loopback that
 * records the raw bytes and headers of every delivery. For any test in the project.
 */
export interface TestVippsSim {
  readonly sim: VippsSimulator;
  readonly clock: ManualClock;
  /** The first (NOK) sales unit. */
  readonly unit: SalesUnit;
  close(): Promise<void>;
}

/** A simulator on a ManualClock whose customers do nothing unless told (override with `defaultBehaviour`). */
export async function startTestVippsSim(options: VippsSimulatorOptions = {}): Promise<TestVippsSim> {
  const clock =
    options.clock instanceof ManualClock ? options.clock : new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const sim = await startVippsSimulator({
    defaultBehaviour: { payment: { action: "ignore" }, login: { action: "ignore" } },
    ...options,
    clock,
  });
  const unit = sim.salesUnits[0];
  if (unit === undefined) throw new Error("the simulator has no sales unit");
  return { sim, clock, unit, close: () => sim.close() };
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  readonly body: unknown;
}

export async function answerOf(response: Response): Promise<ApiAnswer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/**
 * Waits until the simulator has no webhook delivery in flight or queued. Call it before moving
 * a ManualClock far ahead: the 10 s delivery timeout runs on that clock, so a jump while an
 * attempt is on the wire would count it as timed out.
 */
export async function settleDeliveries(sim: VippsSimulator, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      const pending = sim.control.deliveries({ state: "pending" }).length;
      if (pending > 0) throw new Error(`${pending} webhook deliveries pending`);
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

/** POST /accesstoken/get with the sales unit's credentials; returns the access token. */
export async function accessToken(baseUrl: string, unit: SalesUnit): Promise<string> {
  const res = await fetch(`${baseUrl}/accesstoken/get`, {
    method: "POST",
    headers: {
      client_id: unit.clientId,
      client_secret: unit.clientSecret,
      "Ocp-Apim-Subscription-Key": unit.subscriptionKey,
      "Merchant-Serial-Number": unit.msn,
    },
  });
  const answer = await answerOf(res);
  if (answer.status !== 200) throw new Error(`access token: HTTP ${answer.status} ${answer.text}`);
  return (answer.body as { access_token: string }).access_token;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Replaces the default headers of the same name; `undefined` removes one. */
  readonly headers?: Record<string, string | undefined>;
  readonly idempotencyKey?: string;
}

/** A merchant's plain-fetch view of the simulated APIs for one sales unit. */
export class SimApi {
  private token: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly unit: SalesUnit,
  ) {}

  async accessToken(): Promise<string> {
    this.token ??= await accessToken(this.baseUrl, this.unit);
    return this.token;
  }

  async headers(extra: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
    const all: Record<string, string | undefined> = {
      Authorization: `Bearer ${await this.accessToken()}`,
      "Ocp-Apim-Subscription-Key": this.unit.subscriptionKey,
      "Merchant-Serial-Number": this.unit.msn,
      "Vipps-System-Name": "sim-tests",
      "Vipps-System-Version": "1.0.0",
      ...extra,
    };
    return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
    const json = options.body !== undefined;
    const headers = await this.headers({
      ...(json ? { "Content-Type": "application/json" } : {}),
      ...(options.idempotencyKey === undefined ? {} : { "Idempotency-Key": options.idempotencyKey }),
      ...options.headers,
    });
    const init: RequestInit = {
      method,
      headers,
      ...(json
        ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
        : {}),
    };
    return answerOf(await fetch(`${this.baseUrl}${path}`, init));
  }
}

/** A minimal valid PUSH_MESSAGE create body for `unit`. */
export function createBody(
  unit: SalesUnit,
  reference: string,
  customer: Record<string, string>,
  value = 4900,
): Record<string, unknown> {
  return {
    amount: { currency: unit.currency, value },
    paymentMethod: { type: "WALLET" },
    customer,
    customerInteraction: "CUSTOMER_PRESENT",
    userFlow: "PUSH_MESSAGE",
    reference,
    paymentDescription: "Kasse 1 kjøp",
  };
}

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly json: Record<string, unknown>;
}

/** The three Vipps signature headers of a received webhook, for verifyWebhookSignature. */
export function signatureHeadersOf(hook: ReceivedWebhook): {
  "x-ms-date"?: string;
  "x-ms-content-sha256"?: string;
  authorization?: string;
} {
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  return {
    "x-ms-date": one(hook.headers["x-ms-date"]),
    "x-ms-content-sha256": one(hook.headers["x-ms-content-sha256"]),
    authorization: one(hook.headers.authorization),
  };
}

export interface WebhookReceiver {
  /** e.g. `http://127.0.0.1:<port>/hooks/vipps` — register this URL at the simulator. */
  readonly url: string;
  /** Every answered request (2xx or not), in arrival order. */
  readonly received: ReceivedWebhook[];
  /** Requests seen so far, including those left hanging. */
  requestCount(): number;
  /** Status to answer the n-th request (0-based); `"hang"` never answers. Default 200. */
  respond: (n: number, body: Record<string, unknown>) => number | "hang";
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/hooks/vipps"): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(rawBody.toString("utf8")) as Record<string, unknown>;
      } catch {
        json = {};
      }
      const status = receiver.respond(requests++, json);
      if (status === "hang") return;
      received.push({ path: req.url ?? "", headers: req.headers, rawBody, json });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    requestCount: () => requests,
    respond: () => 200,
    waitFor: async (count, timeoutMs = 10_000) => {
      await vi.waitFor(
        () => {
          if (received.length < count) throw new Error(`${received.length}/${count} webhooks received`);
        },
        { timeout: timeoutMs, interval: 10 },
      );
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
