import type { BackoffPolicy } from "../../lib/backoff.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import { AccessTokenCache } from "./access-token.js";
import { EpaymentApi } from "./epayment-api.js";
import { HttpEngine } from "./http-engine.js";
import { LoginApi } from "./login-api.js";
import { OrderManagementApi } from "./order-management-api.js";
import { createNodeHttpExchange, type HttpExchange } from "./node-http-exchange.js";
import { QrApi } from "./qr-api.js";
import { basicAuthorization, VippsTransport } from "./transport.js";
import { invalid } from "./validate-input.js";
import { WebhooksApi } from "./webhooks-api.js";

/** Sent as Vipps-System-Name/-Version/-Plugin-Name/-Plugin-Version; each 1–30 characters. */
interface VippsSystemInfo {
  readonly name: string;
  readonly version: string;
  readonly pluginName?: string;
  readonly pluginVersion?: string;
}

export interface VippsClientOptions {
  /** `https://apitest.vipps.no`, `https://api.vipps.no`, or the simulator. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionKey: string;
  /** Merchant Serial Number, 4–7 digits; sent on every call. */
  readonly msn: string;
  readonly system: VippsSystemInfo;
  /** Per HTTP attempt, headers and body, milliseconds. */
  readonly timeoutMs: number;
  /** Extra attempts after a retryable failure, 0–10. */
  readonly maxRetries: number;
  /** Default 500 ms doubling up to 10 s, full jitter. */
  readonly backoff?: BackoffPolicy;
  /** A Retry-After longer than this (default 30 s) is not waited for: the error carries it. */
  readonly maxRetryAfterMs?: number;
  /** Refresh the access token this long before it expires (default 5 min). */
  readonly tokenRefreshMarginMs?: number;
  readonly clock?: Clock;
  /**
   * Wraps the network exchange (tests observe every request and answer through it). It is
   * given the default, node:http with the client's keep-alive pool, and returns what to use.
   */
  readonly exchange?: (real: HttpExchange) => HttpExchange;
  /** Uniform in [0, 1), for jitter. */
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Aborting it ends every call in flight and every wait (agent shutdown). */
  readonly signal?: AbortSignal;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };

function checkOptions(o: VippsClientOptions): void {
  const spec = { operation: "client", endpoint: "(construction)" };
  let url: URL | undefined;
  try {
    url = new URL(o.baseUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:"))
    throw invalid(spec, "baseUrl must be an http(s) URL");
  if (!/^\d{4,7}$/.test(o.msn)) throw invalid(spec, "msn must be 4–7 digits");
  for (const [name, value] of [
    ["clientId", o.clientId],
    ["clientSecret", o.clientSecret],
    ["subscriptionKey", o.subscriptionKey],
  ] as const) {
    if (typeof value !== "string" || value === "") throw invalid(spec, `${name} is required`);
  }
  for (const [name, value] of Object.entries(o.system)) {
    if (value !== undefined && (typeof value !== "string" || value.length < 1 || value.length > 30))
      throw invalid(spec, `system.${name} must be 1–30 characters`);
  }
  if (!Number.isInteger(o.timeoutMs) || o.timeoutMs < 1)
    throw invalid(spec, "timeoutMs must be a positive integer");
  if (!Number.isInteger(o.maxRetries) || o.maxRetries < 0 || o.maxRetries > 10)
    throw invalid(spec, "maxRetries must be an integer 0–10");
}

/**
 * The Vipps MobilePay API client. One per sales unit (MSN); it owns the access token cache.
 * See index.ts for the surface and its contracts.
 */
export class VippsClient {
  readonly qr: QrApi;
  readonly webhooks: WebhooksApi;
  readonly epayment: EpaymentApi;
  readonly orderManagement: OrderManagementApi;
  readonly login: LoginApi;
  private readonly tokens: AccessTokenCache;
  private readonly network = createNodeHttpExchange();

  constructor(options: VippsClientOptions) {
    checkOptions(options);
    const baseUrl = options.baseUrl.replace(/\/+$/, "");
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger()).child({ module: "vipps" });
    const credentials = {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      subscriptionKey: options.subscriptionKey,
    };
    const fixedSecrets = [options.clientSecret, options.subscriptionKey, basicAuthorization(credentials)];
    const { system } = options;
    const commonHeaders: Record<string, string> = {
      "Merchant-Serial-Number": options.msn,
      "Vipps-System-Name": system.name,
      "Vipps-System-Version": system.version,
      ...(system.pluginName === undefined ? {} : { "Vipps-System-Plugin-Name": system.pluginName }),
      ...(system.pluginVersion === undefined ? {} : { "Vipps-System-Plugin-Version": system.pluginVersion }),
    };
    const engine = new HttpEngine({
      baseUrl,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      clock,
      random: options.random ?? Math.random,
      exchange: options.exchange?.(this.network.exchange) ?? this.network.exchange,
      logger,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      commonHeaders,
      // Only called while a request is in flight, i.e. after construction.
      secrets: () => [...fixedSecrets, ...this.tokens.recentTokens()],
    });
    this.tokens = new AccessTokenCache(engine, {
      ...credentials,
      refreshMarginMs: options.tokenRefreshMarginMs ?? 5 * 60_000,
      clock,
      logger,
    });
    const transport = new VippsTransport(engine, this.tokens, credentials);
    this.qr = new QrApi(transport);
    this.webhooks = new WebhooksApi(transport);
    this.epayment = new EpaymentApi(transport, baseUrl);
    this.orderManagement = new OrderManagementApi(transport);
    this.login = new LoginApi(transport, engine, baseUrl, clock);
  }

  /** Fetches (or reuses) the access token: proves the credentials work without touching a payment. */
  async verifyCredentials(): Promise<void> {
    await this.tokens.get();
  }

  /** Closes the idle keep-alive connections (calls in flight end by the shutdown signal). */
  close(): void {
    this.network.close();
  }
}
