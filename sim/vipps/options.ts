import { createHash } from "node:crypto";
import { systemClock, type Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import { isCurrency, type Currency } from "../../lib/money.js";
import { simError } from "./errors.js";

/** Login scopes a sales unit may have in its plan (docs/vipps-api.md §8); others are silently dropped. */
export const LOGIN_SCOPES = [
  "openid",
  "name",
  "phoneNumber",
  "email",
  "address",
  "birthDate",
  "nin",
  "delegatedConsents",
] as const;
type LoginScope = (typeof LOGIN_SCOPES)[number];

interface SalesUnitOptions {
  /** Human-readable, printed by the standalone simulator. */
  readonly name?: string;
  /** Merchant Serial Number, 4–7 digits (keep 4–6 to match the older specs' pattern). */
  readonly msn: string;
  /** The market: NOK (Vipps), DKK or EUR (MobilePay). ePayment refuses other currencies (5040). */
  readonly currency: Currency;
  /** Defaults are derived from the MSN, so they are the same on every run. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly subscriptionKey?: string;
  /** Whether the sales unit may skip the landing page (`userFlow: PUSH_MESSAGE`); error 5080 otherwise. Default true. */
  readonly pushMessageAllowed?: boolean;
  /** Login scopes in the sales unit's plan; default all but `nin`. */
  readonly loginScopes?: readonly LoginScope[];
}

export interface SalesUnit {
  readonly name: string;
  readonly msn: string;
  readonly currency: Currency;
  readonly brand: "Vipps" | "MobilePay";
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionKey: string;
  readonly pushMessageAllowed: boolean;
  readonly loginScopes: readonly LoginScope[];
}

/** What the simulated customer does with a payment request or a login request on their phone. */
export type CustomerBehaviour =
  | { readonly action: "approve"; readonly afterMs?: number }
  | { readonly action: "decline"; readonly afterMs?: number }
  /** Do nothing: the request stays pending until the control API acts or it expires. */
  | { readonly action: "ignore" };

/**
 * `active`: a normal app user. `unknown`: no Vipps/MobilePay user has this number (ePayment
 * 7010, CIBA invalid_user, user-exists false). `blocked`: an account exists but may not pay or
 * log in (7010, invalid_user). `old_app`: the app is too old for merchant-initiated login.
 */
export type CustomerStatus = "active" | "unknown" | "blocked" | "old_app";

export interface CustomerProfile {
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string;
  /** YYYY-MM-DD */
  readonly birthdate: string;
  /** 11 digits (simulated, not a valid national identity number). */
  readonly nin: string;
  readonly streetAddress: string;
  readonly postalCode: string;
  readonly region: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

export interface CustomerOptions {
  readonly status?: CustomerStatus;
  readonly payment?: CustomerBehaviour;
  readonly login?: CustomerBehaviour;
  readonly profile?: Partial<CustomerProfile>;
}

interface WebhookDeliveryOptions {
  /**
   * Waits between attempts of one delivery, milliseconds; after the last one the delivery is
   * given up. Default: Vipps' documented schedule, compressed to its shape (docs/vipps-api.md §5.2):
   * three retries 2 s apart, then 60 s, 120 s, hourly for a day, then daily to 7 days.
   */
  readonly retryDelaysMs?: readonly number[];
  /** An attempt that has not answered within this is a failure (Vipps: 10 s). */
  readonly timeoutMs?: number;
}

interface LoginOptions {
  /** `expires_in` of a CIBA request when `requested_expiry` is absent, seconds. Default 600. */
  readonly authRequestExpirySeconds?: number;
  /** Minimum polling interval announced in the CIBA answer, seconds. Default 5. */
  readonly pollIntervalSeconds?: number;
  /** Lifetime of the Login access token, seconds. Default 300. */
  readonly accessTokenTtlSeconds?: number;
  /** Pending CIBA requests allowed per user before 429. Default 2. */
  readonly maxConcurrentPerUser?: number;
}

export interface VippsSimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Listen address; default 127.0.0.1 (the simulator is for loopback use). */
  readonly host?: string;
  /** Default: the system clock. Tests inject a ManualClock and move time themselves. */
  readonly clock?: Clock;
  /** Source of randomness for fault rates and duplicate deliveries; default Math.random. */
  readonly random?: () => number;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Default: one NOK (Vipps) and one DKK (MobilePay) sales unit. */
  readonly salesUnits?: readonly SalesUnitOptions[];
  /** Access token lifetime, seconds; default 3600 (the test environment's 1 hour). */
  readonly accessTokenTtlSeconds?: number;
  /** How long a payment stays CREATED before it is EXPIRED, ms; default 10 minutes. */
  readonly paymentExpiryMs?: number;
  /** Lifetime of a customer token from a scan, ms; default 15 minutes. */
  readonly customerTokenTtlMs?: number;
  /**
   * Per-reference limits per minute, for each operation on its own: each of create, capture,
   * cancel and refund 5; each of get payment and get event log 120.
   */
  readonly rateLimits?: { readonly modificationsPerMinute?: number; readonly getsPerMinute?: number };
  readonly webhooks?: WebhookDeliveryOptions;
  readonly login?: LoginOptions;
  /** Customers with a status, behaviour or profile of their own, by MSISDN. */
  readonly customers?: Readonly<Record<string, CustomerOptions>>;
  /** What customers without their own behaviour do; default: approve after 1.5 s. */
  readonly defaultBehaviour?: { readonly payment?: CustomerBehaviour; readonly login?: CustomerBehaviour };
}

export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly clock: Clock;
  readonly random: () => number;
  readonly salesUnits: readonly SalesUnit[];
  readonly accessTokenTtlSeconds: number;
  readonly paymentExpiryMs: number;
  readonly customerTokenTtlMs: number;
  readonly modificationsPerMinute: number;
  readonly getsPerMinute: number;
  readonly webhookRetryDelaysMs: readonly number[];
  readonly webhookTimeoutMs: number;
  readonly authRequestExpirySeconds: number;
  readonly pollIntervalSeconds: number;
  readonly loginAccessTokenTtlSeconds: number;
  readonly maxConcurrentLoginsPerUser: number;
  readonly customers: Readonly<Record<string, CustomerOptions>>;
  readonly defaultPaymentBehaviour: CustomerBehaviour;
  readonly defaultLoginBehaviour: CustomerBehaviour;
}

const DEFAULT_SALES_UNITS: readonly SalesUnitOptions[] = [
  { name: "Vipps demo kiosk (NOK)", msn: "123456", currency: "NOK" },
  { name: "MobilePay demo kiosk (DKK)", msn: "234567", currency: "DKK" },
];

const HOUR = 3_600_000;
const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  2_000,
  2_000,
  2_000,
  60_000,
  120_000,
  ...Array.from({ length: 24 }, () => HOUR),
  ...Array.from({ length: 6 }, () => 24 * HOUR),
];

function digest(label: string, msn: string): Buffer {
  return createHash("sha256").update(`vipps-simulator:${label}:${msn}`).digest();
}

/** Deterministic per MSN so a standalone simulator's credentials survive restarts. */
function derivedClientId(msn: string): string {
  const h = digest("client-id", msn).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function resolveSalesUnit(o: SalesUnitOptions): SalesUnit {
  if (typeof o.msn !== "string" || !/^\d{4,7}$/.test(o.msn))
    throw simError("SIM_BAD_OPTIONS", `sales unit msn must be 4–7 digits, got ${JSON.stringify(o.msn)}`);
  if (!isCurrency(o.currency))
    throw simError("SIM_BAD_OPTIONS", `sales unit ${o.msn}: currency must be NOK, DKK or EUR`);
  const brand = o.currency === "NOK" ? "Vipps" : "MobilePay";
  return {
    name: o.name ?? `${brand} sales unit ${o.msn} (${o.currency})`,
    msn: o.msn,
    currency: o.currency,
    brand,
    clientId: o.clientId ?? derivedClientId(o.msn),
    clientSecret: o.clientSecret ?? digest("client-secret", o.msn).subarray(0, 24).toString("base64"),
    subscriptionKey: o.subscriptionKey ?? digest("subscription-key", o.msn).subarray(0, 16).toString("hex"),
    pushMessageAllowed: o.pushMessageAllowed ?? true,
    loginScopes: o.loginScopes ?? LOGIN_SCOPES.filter((s) => s !== "nin"),
  };
}

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min)
    throw simError("SIM_BAD_OPTIONS", `${name} must be a number ≥ ${min}`);
  return value;
}

export function resolveOptions(o: VippsSimulatorOptions = {}): ResolvedOptions {
  const salesUnits = (o.salesUnits ?? DEFAULT_SALES_UNITS).map(resolveSalesUnit);
  if (salesUnits.length === 0) throw simError("SIM_BAD_OPTIONS", "at least one sales unit is needed");
  for (const key of ["msn", "clientId", "subscriptionKey"] as const) {
    const seen = new Set(salesUnits.map((u) => u[key]));
    if (seen.size !== salesUnits.length)
      throw simError("SIM_BAD_OPTIONS", `sales units must have distinct ${key} values`);
  }
  const retry = o.webhooks?.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
  if (!retry.every((d) => Number.isFinite(d) && d >= 0))
    throw simError("SIM_BAD_OPTIONS", "webhooks.retryDelaysMs must be milliseconds ≥ 0");
  return {
    port: o.port ?? 0,
    host: o.host ?? "127.0.0.1",
    clock: o.clock ?? systemClock,
    random: o.random ?? Math.random,
    salesUnits,
    accessTokenTtlSeconds: positive("accessTokenTtlSeconds", o.accessTokenTtlSeconds, 3600),
    paymentExpiryMs: positive("paymentExpiryMs", o.paymentExpiryMs, 600_000),
    customerTokenTtlMs: positive("customerTokenTtlMs", o.customerTokenTtlMs, 900_000),
    modificationsPerMinute: positive(
      "rateLimits.modificationsPerMinute",
      o.rateLimits?.modificationsPerMinute,
      5,
    ),
    getsPerMinute: positive("rateLimits.getsPerMinute", o.rateLimits?.getsPerMinute, 120),
    webhookRetryDelaysMs: retry,
    webhookTimeoutMs: positive("webhooks.timeoutMs", o.webhooks?.timeoutMs, 10_000),
    authRequestExpirySeconds: positive(
      "login.authRequestExpirySeconds",
      o.login?.authRequestExpirySeconds,
      600,
    ),
    pollIntervalSeconds: positive("login.pollIntervalSeconds", o.login?.pollIntervalSeconds, 5),
    loginAccessTokenTtlSeconds: positive("login.accessTokenTtlSeconds", o.login?.accessTokenTtlSeconds, 300),
    maxConcurrentLoginsPerUser: positive("login.maxConcurrentPerUser", o.login?.maxConcurrentPerUser, 2),
    customers: o.customers ?? {},
    defaultPaymentBehaviour: o.defaultBehaviour?.payment ?? { action: "approve", afterMs: 1500 },
    defaultLoginBehaviour: o.defaultBehaviour?.login ?? { action: "approve", afterMs: 1500 },
  };
}
