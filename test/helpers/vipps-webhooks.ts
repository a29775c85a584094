import { randomBytes } from "node:crypto";
import { signWebhook } from "../../lib/webhook-signature.js";

/**
 * Webhooks as Vipps MobilePay sends them (docs/vipps-api.md §4, §5.3, §6.6): payload builders, HMAC
 * signing with a registration's secret, and a sender that retries non-2xx answers the way Vipps
 * does (it keeps retrying for days; here briefly).
 */
export interface SignedWebhook {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

export function checkInPayload(p: {
  tillId: string;
  msn: string;
  customerToken?: string;
  initiatedAt?: Date | string;
}): Record<string, unknown> {
  const at = p.initiatedAt ?? new Date();
  return {
    customerToken: p.customerToken ?? randomBytes(33).toString("base64"),
    merchantQrId: p.tillId,
    msn: p.msn,
    // Vipps sends 7 fractional digits.
    initiatedAt: typeof at === "string" ? at : at.toISOString().replace(/Z$/, "0000Z"),
  };
}

export function paymentPayload(p: {
  reference: string;
  msn: string;
  name?: string;
  pspReference?: string;
  value?: number;
  currency?: string;
  success?: boolean;
}): Record<string, unknown> {
  return {
    msn: p.msn,
    reference: p.reference,
    pspReference: p.pspReference ?? `psp-${randomBytes(6).toString("hex")}`,
    name: p.name ?? "AUTHORIZED",
    amount: { currency: p.currency ?? "NOK", value: p.value ?? 4900 },
    timestamp: new Date().toISOString(),
    idempotencyKey: `idem-${randomBytes(6).toString("hex")}`,
    success: p.success ?? true,
  };
}

/**
 * Signs `payload` (an object is serialised with JSON.stringify; a string/Buffer is sent as is).
 * `date`: the `x-ms-date` to sign — a Date (written as HTTP does) or the header's text as is.
 */
export function signedWebhook(
  secret: string,
  registeredUrl: string,
  payload: unknown,
  date: Date | string = new Date(),
): SignedWebhook {
  const body = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload), "utf8");
  const headers = signWebhook(
    secret,
    registeredUrl,
    body,
    typeof date === "string" ? date : date.toUTCString(),
  );
  return { body, headers: { "content-type": "application/json", ...headers } };
}

export async function postWebhook(
  url: string,
  webhook: SignedWebhook,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: "POST", headers: webhook.headers, body: webhook.body });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/**
 * Delivers like Vipps: any non-2xx answer (or a network error) is retried after `retryDelayMs`
 * until `maxAttempts`. Resolves with the final status and how many attempts it took.
 */
export async function deliverLikeVipps(
  url: string,
  webhook: SignedWebhook,
  options: { maxAttempts?: number; retryDelayMs?: number } = {},
): Promise<{ status: number; attempts: number }> {
  const maxAttempts = options.maxAttempts ?? 200;
  let status = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      status = (await postWebhook(url, webhook)).status;
    } catch {
      status = 0;
    }
    if (status >= 200 && status < 300) return { status, attempts: attempt };
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 100));
  }
  return { status, attempts: maxAttempts };
}
