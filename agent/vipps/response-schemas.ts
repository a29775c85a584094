import { z } from "zod";
import { CURRENCIES } from "../../lib/money.js";
import type {
  Amount,
  Aggregate,
  CreatePaymentResponse,
  ModificationResponse,
  Payment,
  PaymentEvent,
} from "./types/epayment.js";
import type { CibaStarted, LoginTokens, OidcDiscovery, Userinfo } from "./types/login.js";
import type { CustomerExchangeResult, MerchantCallbackQr } from "./types/qr.js";
import type { WebhookRegistered, WebhookRegistration } from "./types/webhooks.js";

/**
 * Runtime checks of Vipps' 2xx answers, for the fields the agent relies on (unknown extra
 * fields pass through: Vipps adds fields over time). Each schema is checked against the
 * hand-written type it produces, so the two cannot drift apart. A mismatch becomes
 * VIPPS_BAD_RESPONSE: bad input from Vipps changes nothing.
 */
const text = z.string().min(1);
const minorUnits = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

const amountSchema = z.looseObject({
  currency: z.enum(CURRENCIES),
  value: minorUnits,
}) satisfies z.ZodType<Amount>;

const aggregateSchema = z.looseObject({
  authorizedAmount: amountSchema,
  cancelledAmount: amountSchema,
  capturedAmount: amountSchema,
  refundedAmount: amountSchema,
}) satisfies z.ZodType<Aggregate>;

const stateSchema = z.enum(["CREATED", "ABORTED", "EXPIRED", "AUTHORIZED", "TERMINATED"]);

export const createPaymentResponseSchema = z.looseObject({
  reference: text,
  redirectUrl: z.string().optional(),
}) satisfies z.ZodType<CreatePaymentResponse>;

export const paymentSchema = z.looseObject({
  reference: text,
  pspReference: text,
  state: stateSchema,
  amount: amountSchema,
  aggregate: aggregateSchema,
  paymentMethod: z.looseObject({ type: z.enum(["WALLET", "CARD"]), cardBin: z.string().optional() }),
  profile: z.looseObject({ sub: z.string().optional() }).optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  redirectUrl: z.string().optional(),
  captureGuaranteedUntil: z.string().optional(),
}) satisfies z.ZodType<Payment>;

export const paymentEventsSchema = z.array(
  z.looseObject({
    reference: text,
    pspReference: text,
    name: z.enum([
      "CREATED",
      "ABORTED",
      "EXPIRED",
      "CANCELLED",
      "CAPTURED",
      "REFUNDED",
      "AUTHORIZED",
      "TERMINATED",
    ]),
    amount: amountSchema,
    timestamp: text,
    idempotencyKey: z.string().nullable().optional(),
    success: z.boolean(),
  }),
) satisfies z.ZodType<PaymentEvent[]>;

export const modificationResponseSchema = z.looseObject({
  reference: text,
  pspReference: text,
  state: stateSchema,
  amount: amountSchema,
  aggregate: aggregateSchema,
}) satisfies z.ZodType<ModificationResponse>;

export const merchantCallbackQrSchema = z.looseObject({
  merchantSerialNumber: z.string(),
  merchantQrId: text,
  locationDescription: z.string(),
  qrImageUrl: text,
  qrContent: text,
}) satisfies z.ZodType<MerchantCallbackQr>;

export const customerExchangeSchema = z.looseObject({
  msisdn: z.string().regex(/^\d{8,15}$/),
  timestamp: z.int().optional(),
}) satisfies z.ZodType<CustomerExchangeResult>;

export const webhookRegisteredSchema = z.looseObject({
  id: text,
  secret: text,
}) satisfies z.ZodType<WebhookRegistered>;

export const webhookListSchema = z.looseObject({
  webhooks: z.array(z.looseObject({ id: text, url: text, events: z.array(z.string()) })),
}) satisfies z.ZodType<{ webhooks: WebhookRegistration[] }>;

/** Access token answer: every value is a string (docs/vipps-api.md §2); a plain number is tolerated. */
export const accessTokenSchema = z.looseObject({
  token_type: z.string().regex(/^bearer$/i),
  access_token: text,
  expires_in: z
    .union([z.string().regex(/^\d+$/), minorUnits])
    .transform(Number)
    .pipe(z.int().min(1)),
});

export const discoverySchema = z.looseObject({
  issuer: text,
  token_endpoint: text,
  jwks_uri: text,
  userinfo_endpoint: text.optional(),
  backchannel_authentication_endpoint: text.optional(),
}) satisfies z.ZodType<OidcDiscovery>;

export const cibaStartedSchema = z
  .looseObject({ auth_req_id: text, expires_in: z.int().min(1), interval: z.int().min(1).optional() })
  // CIBA core §7.3: a client polls every 5 s when no interval is given.
  .transform((r): CibaStarted => ({
    authReqId: r.auth_req_id,
    expiresInSeconds: r.expires_in,
    intervalSeconds: r.interval ?? 5,
  }));

export const loginTokensSchema = z
  .looseObject({
    access_token: text,
    token_type: text,
    expires_in: z.int().min(0),
    id_token: text.optional(),
    scope: z.string().optional(),
  })
  .transform((t): LoginTokens => ({
    accessToken: t.access_token,
    tokenType: t.token_type,
    expiresInSeconds: t.expires_in,
    ...(t.id_token === undefined ? {} : { idToken: t.id_token }),
    ...(t.scope === undefined ? {} : { scope: t.scope }),
  }));

const addressSchema = z.looseObject({
  street_address: z.string().optional(),
  postal_code: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
  formatted: z.string().optional(),
  address_type: z.string().optional(),
  default: z.boolean().optional(),
});

export const userinfoSchema = z.looseObject({
  sub: text,
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  phone_number: z.string().optional(),
  email: z.string().optional(),
  email_verified: z.boolean().optional(),
  birthdate: z.string().optional(),
  address: addressSchema.optional(),
  other_addresses: z.array(addressSchema).optional(),
  nin: z.string().optional(),
  sid: z.string().optional(),
  delegatedConsents: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<Userinfo>;
