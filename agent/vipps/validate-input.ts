import { isCurrency, isMinorUnits, MAXIMUM_PAYMENT, MINIMUM_PAYMENT } from "../../lib/money.js";
import { VippsError } from "./errors.js";
import type { Amount, CreatePaymentRequest, Customer, Receipt } from "./types/epayment.js";

/**
 * Checks of the caller's arguments before anything is sent: bad input gets VIPPS_INVALID_ARGUMENT
 * and no request leaves. Rules come from the specs and docs/vipps-api.md (§1.4, §1.5, §6.1). Messages
 * describe what is wrong, never the offending value (it could be a phone number or a token).
 */
export interface OpRef {
  readonly operation: string;
  readonly endpoint: string;
}

export function invalid(op: OpRef, message: string): VippsError {
  return new VippsError("VIPPS_INVALID_ARGUMENT", `${op.operation}: ${message}`, { ...op, attempts: 0 });
}

function check(op: OpRef, ok: boolean, message: string): void {
  if (!ok) throw invalid(op, message);
}

const isText = (value: unknown, min = 1, max = Infinity): value is string =>
  typeof value === "string" && value.length >= min && value.length <= max;

/** ≤ 50 satisfies both the vendored spec (8–50) and live Vipps (8–64). */
export const REFERENCE_PATTERN = /^[a-zA-Z0-9-]{8,50}$/;
/** Spec: max 50 characters; header-safe printable ASCII. */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,50}$/;
const MSISDN_PATTERN = /^\d{10,15}$/;
/** Our own ids in URLs: unreserved URL characters only (docs/vipps-api.md §3 "keep it URL-safe"). */
const URL_SAFE_ID = /^[A-Za-z0-9._~-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkReference(op: OpRef, reference: unknown): asserts reference is string {
  check(
    op,
    typeof reference === "string" && REFERENCE_PATTERN.test(reference),
    "reference must be 8–50 characters of A–Z, a–z, 0–9 and -",
  );
}

export function checkIdempotencyKey(op: OpRef, key: unknown): asserts key is string {
  check(
    op,
    typeof key === "string" && IDEMPOTENCY_KEY_PATTERN.test(key),
    "Idempotency-Key must be 1–50 printable ASCII characters without spaces",
  );
}

/** `minimum`: the smallest acceptable value in minor units (per currency for a payment). */
export function checkAmount(
  op: OpRef,
  amount: unknown,
  what: string,
  minimum: "payment" | number,
): asserts amount is Amount {
  const a = amount as Partial<Amount> | null | undefined;
  check(
    op,
    typeof a === "object" && a !== null && isCurrency(a.currency),
    `${what}.currency must be NOK, DKK or EUR`,
  );
  const value: unknown = a?.value;
  check(op, isMinorUnits(value), `${what}.value must be a non-negative integer number of minor units`);
  const min =
    minimum === "payment" && a?.currency !== undefined ? MINIMUM_PAYMENT[a.currency] : Number(minimum);
  check(
    op,
    (value as number) >= min && (value as number) <= MAXIMUM_PAYMENT,
    `${what}.value must be from ${min} to ${MAXIMUM_PAYMENT} minor units`,
  );
}

export function checkMsisdn(op: OpRef, msisdn: unknown, what: string): asserts msisdn is string {
  check(
    op,
    typeof msisdn === "string" && MSISDN_PATTERN.test(msisdn),
    `${what} must be an MSISDN: 10–15 digits, country code first, no +`,
  );
}

export function checkCustomer(op: OpRef, customer: unknown): asserts customer is Customer {
  const c = (customer ?? {}) as Record<string, unknown>;
  const kinds = ["customerToken", "phoneNumber", "personalQr"].filter((k) => c[k] !== undefined);
  check(
    op,
    typeof customer === "object" && customer !== null && kinds.length === 1 && Object.keys(c).length === 1,
    "customer must have exactly one of customerToken, phoneNumber, personalQr",
  );
  if (kinds[0] === "customerToken")
    check(op, isText(c.customerToken), "customer.customerToken must be a non-empty string");
  if (kinds[0] === "phoneNumber") checkMsisdn(op, c.phoneNumber, "customer.phoneNumber");
  if (kinds[0] === "personalQr")
    check(op, isText(c.personalQr, 5, 255), "customer.personalQr must be 5–255 characters");
}

/** A receipt whose lines (plus tip) add up to `amount` paid through Vipps plus the payment sources. */
export function checkReceipt(op: OpRef, receipt: Receipt, amount: Amount): void {
  check(
    op,
    Array.isArray(receipt.orderLines) && receipt.orderLines.length > 0,
    "receipt.orderLines must have at least one line",
  );
  let sum = 0;
  receipt.orderLines.forEach((line, i) => {
    const at = `receipt.orderLines[${i}]`;
    check(op, isText(line.name) && isText(line.id), `${at}: name and id are required`);
    for (const field of ["totalAmount", "totalAmountExcludingTax", "totalTaxAmount"] as const) {
      check(op, isMinorUnits(line[field]), `${at}.${field} must be a non-negative integer (minor units)`);
    }
    check(
      op,
      line.taxRate !== undefined || line.taxPercentage !== undefined,
      `${at}: taxRate (or the deprecated taxPercentage) is required`,
    );
    if (line.taxRate !== undefined)
      check(
        op,
        Number.isInteger(line.taxRate) && line.taxRate >= 0 && line.taxRate <= 10_000,
        `${at}.taxRate must be an integer 0–10000 (hundredths of a percent)`,
      );
    if (line.taxPercentage !== undefined)
      check(
        op,
        Number.isInteger(line.taxPercentage) && line.taxPercentage >= 0 && line.taxPercentage <= 100,
        `${at}.taxPercentage must be an integer 0–100`,
      );
    if (line.discount !== undefined)
      check(op, isMinorUnits(line.discount), `${at}.discount must be a non-negative integer (minor units)`);
    if (line.unitInfo !== undefined) {
      check(
        op,
        isMinorUnits(line.unitInfo.unitPrice),
        `${at}.unitInfo.unitPrice must be a non-negative integer (minor units)`,
      );
      check(
        op,
        isText(line.unitInfo.quantity, 1, 10) && /^\d+(\.\d{1,8})?$/.test(line.unitInfo.quantity),
        `${at}.unitInfo.quantity must be decimal text such as "2.5"`,
      );
    }
    sum += line.isReturn === true ? -line.totalAmount : line.totalAmount;
  });
  const bottom = receipt.bottomLine as Receipt["bottomLine"] | undefined;
  check(
    op,
    bottom !== undefined && bottom.currency === amount.currency,
    "receipt.bottomLine.currency must equal amount.currency",
  );
  const tip = bottom?.tipAmount ?? 0;
  check(op, isMinorUnits(tip), "receipt.bottomLine.tipAmount must be a non-negative integer (minor units)");
  // The parts paid otherwise (split tender): gift card, card, voucher, cash — the receipt's
  // payment sources (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/order-management-api-guide/).
  const sources = Object.entries(bottom?.paymentSources ?? {});
  for (const [kind, value] of sources)
    check(
      op,
      ["giftCard", "card", "voucher", "cash"].includes(kind) && isMinorUnits(value),
      `receipt.bottomLine.paymentSources.${kind} must be a non-negative integer (minor units) of giftCard, card, voucher or cash`,
    );
  const otherwise = sources.reduce((total, [, value]) => total + (value ?? 0), 0);
  // Vipps derives the receipt's totals from its lines: what the customer sees must add up to
  // what they pay here and paid otherwise (docs/vipps-api.md §6.1).
  check(
    op,
    sum + tip === amount.value + otherwise,
    "receipt lines (returns negative) plus tip must add up to amount.value plus bottomLine.paymentSources",
  );
}

export function checkCreatePayment(op: OpRef, body: CreatePaymentRequest): void {
  check(op, typeof body === "object" && body !== null, "body is required");
  checkReference(op, body.reference);
  checkAmount(op, body.amount, "amount", "payment");
  check(
    op,
    body.paymentMethod?.type === "WALLET" || body.paymentMethod?.type === "CARD",
    "paymentMethod.type must be WALLET or CARD",
  );
  check(
    op,
    ["PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR"].includes(body.userFlow),
    "userFlow must be PUSH_MESSAGE, NATIVE_REDIRECT, WEB_REDIRECT or QR",
  );
  if (body.userFlow === "PUSH_MESSAGE")
    check(op, body.customer !== undefined, "customer is required with userFlow PUSH_MESSAGE");
  if (body.customer !== undefined) checkCustomer(op, body.customer);
  if (body.customerInteraction !== undefined) {
    check(
      op,
      body.customerInteraction === "CUSTOMER_PRESENT" || body.customerInteraction === "CUSTOMER_NOT_PRESENT",
      "customerInteraction must be CUSTOMER_PRESENT or CUSTOMER_NOT_PRESENT",
    );
  }
  if (body.paymentDescription !== undefined)
    check(op, isText(body.paymentDescription, 3, 100), "paymentDescription must be 3–100 characters");
  if (body.metadata !== undefined) {
    const entries = Object.entries(body.metadata);
    check(op, entries.length <= 5, "metadata may have at most 5 entries");
    for (const [key, value] of entries)
      check(
        op,
        isText(key, 1, 100) && isText(value, 0, 500),
        "metadata keys must be 1–100 and values 0–500 characters",
      );
  }
  if (body.receipt !== undefined) checkReceipt(op, body.receipt, body.amount);
}

export function checkQrId(op: OpRef, id: unknown): asserts id is string {
  check(
    op,
    typeof id === "string" && URL_SAFE_ID.test(id),
    "merchantQrId must be 1–100 URL-safe characters (A–Z a–z 0–9 . _ ~ -)",
  );
}

export function checkWebhookId(op: OpRef, id: unknown): asserts id is string {
  check(op, typeof id === "string" && UUID.test(id), "webhook id must be a UUID");
}

/** HTTPS as Vipps requires; plain http only to a loopback host (the simulator, docs/vipps-api.md §5.1). */
export function checkWebhookUrl(op: OpRef, url: unknown): asserts url is string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  const loopback = parsed !== undefined && ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
  check(
    op,
    parsed !== undefined && (parsed.protocol === "https:" || (parsed.protocol === "http:" && loopback)),
    "url must be an https:// URL (http:// only to loopback)",
  );
}
