import type { Money } from "../../../lib/money.js";
import type { PaymentEventName } from "../webhooks/events.js";
import { refusal, type Refusal } from "./error-codes.js";

/**
 * One ePayment and its pure transitions (docs/vipps-api.md §6.3–§6.5). `state` is
 * CREATED → AUTHORIZED | ABORTED | EXPIRED | TERMINATED and never changes after that: what was
 * captured, refunded or cancelled afterwards lives only in the aggregate amounts.
 */
type PaymentState = "CREATED" | "AUTHORIZED" | "ABORTED" | "EXPIRED" | "TERMINATED";

export interface PaymentEvent {
  readonly reference: string;
  /** Each operation has its own. */
  readonly pspReference: string;
  readonly name: PaymentEventName;
  /** This event's amount (e.g. one partial capture), not the aggregate. */
  readonly amount: Money;
  readonly timestamp: string;
  /** The key of the request that caused it; null for the customer's and the system's own events. */
  readonly idempotencyKey: string | null;
  readonly success: boolean;
}

export interface Payment {
  readonly msn: string;
  readonly reference: string;
  /** The CREATED event's pspReference: the one every API response carries. */
  readonly pspReference: string;
  readonly amount: Money;
  readonly state: PaymentState;
  readonly authorized: number;
  readonly captured: number;
  readonly refunded: number;
  readonly cancelled: number;
  readonly events: readonly PaymentEvent[];
  /** The customer the request went to, when known (phone number, customer token or personal QR). */
  readonly customerMsisdn?: string;
  readonly userFlow: string;
  /** For flows with a landing page: the token in `redirectUrl` (accepted by the test approve). */
  readonly redirectToken?: string;
  /** userFlow QR: what `redirectUrl` points to (redirect-url.ts). */
  readonly qrFormat?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** `minimumUserAge` of the create request: a younger customer cannot approve (age-limit.ts). */
  readonly minimumUserAge?: number;
  /** `profile.scope` of the create request, space-separated. */
  readonly profileScope?: string;
  /** Set at authorization when `profile.scope` was requested. */
  readonly sub?: string;
  /** Clock ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface Operation {
  readonly now: number;
  readonly pspReference: string;
  readonly idempotencyKey: string | null;
}

export type Transition =
  | { readonly ok: true; readonly payment: Payment; readonly event: PaymentEvent }
  | { readonly ok: false; readonly refusal: Refusal };

function event(p: Payment, name: PaymentEventName, value: number, op: Operation): PaymentEvent {
  return {
    reference: p.reference,
    pspReference: op.pspReference,
    name,
    amount: { currency: p.amount.currency, value },
    timestamp: new Date(op.now).toISOString(),
    idempotencyKey: op.idempotencyKey,
    success: true,
  };
}

function apply(p: Payment, changes: Partial<Payment>, e: PaymentEvent): Transition {
  return { ok: true, payment: { ...p, ...changes, events: [...p.events, e] }, event: e };
}

const reserved = (p: Payment): number => p.authorized - p.captured - p.cancelled;

/** The customer approved in the app (or the test approve endpoint). */
export function authorize(p: Payment, op: Operation, sub?: string): Transition {
  if (p.state === "AUTHORIZED")
    return { ok: false, refusal: refusal("6230", "The payment has already been authorized.") };
  if (p.state !== "CREATED")
    return {
      ok: false,
      refusal: refusal("10010", `The payment is ${p.state} and can no longer be approved.`),
    };
  return apply(
    p,
    { state: "AUTHORIZED", authorized: p.amount.value, ...(sub === undefined ? {} : { sub }) },
    event(p, "AUTHORIZED", p.amount.value, op),
  );
}

/** The customer declined in the app. */
export function abort(p: Payment, op: Operation): Transition {
  if (p.state !== "CREATED") return { ok: false, refusal: refusal("10010", `The payment is ${p.state}.`) };
  return apply(p, { state: "ABORTED" }, event(p, "ABORTED", p.amount.value, op));
}

/** Nobody acted within the payment's lifetime. */
export function expire(p: Payment, op: Operation): Transition {
  if (p.state !== "CREATED") return { ok: false, refusal: refusal("10010", `The payment is ${p.state}.`) };
  return apply(p, { state: "EXPIRED" }, event(p, "EXPIRED", p.amount.value, op));
}

/**
 * Merchant cancel: before authorization the payment is TERMINATED; after, the whole uncaptured
 * reservation is released (cancelledAmount grows, state stays AUTHORIZED).
 * `cancelTransactionOnly` refuses (6060) once authorized, so a cashier's abort cannot race the
 * customer's approval into releasing money by accident.
 */
export function cancel(p: Payment, cancelTransactionOnly: boolean, op: Operation): Transition {
  switch (p.state) {
    case "CREATED":
      return apply(p, { state: "TERMINATED" }, event(p, "TERMINATED", p.amount.value, op));
    case "AUTHORIZED": {
      if (cancelTransactionOnly)
        return {
          ok: false,
          refusal: refusal(
            "6060",
            "The payment is authorized; cancelTransactionOnly only cancels a payment that is not.",
          ),
        };
      const remaining = reserved(p);
      if (remaining === 0) {
        if (p.captured > 0)
          return {
            ok: false,
            refusal: refusal("6040", "Everything authorized has been captured; refund instead."),
          };
        return { ok: false, refusal: refusal("6050", "Nothing is reserved on this payment any more.") };
      }
      return apply(p, { cancelled: p.cancelled + remaining }, event(p, "CANCELLED", remaining, op));
    }
    case "ABORTED":
    case "EXPIRED":
    case "TERMINATED":
      return { ok: false, refusal: refusal("6190", `The payment is ${p.state} and cannot be cancelled.`) };
  }
}

export function capture(p: Payment, value: number, op: Operation): Transition {
  switch (p.state) {
    case "CREATED":
      return { ok: false, refusal: refusal("6080", "The customer has not approved the payment yet.") };
    case "ABORTED":
    case "EXPIRED":
    case "TERMINATED":
      return { ok: false, refusal: refusal("6200", `The payment is ${p.state} and cannot be captured.`) };
    case "AUTHORIZED": {
      const remaining = reserved(p);
      if (remaining === 0 && p.cancelled > 0)
        return { ok: false, refusal: refusal("6070", "The reservation has been cancelled.") };
      if (value > remaining)
        return { ok: false, refusal: refusal("6090", `At most ${remaining} can be captured.`) };
      return apply(p, { captured: p.captured + value }, event(p, "CAPTURED", value, op));
    }
  }
}

export function refund(p: Payment, value: number, op: Operation): Transition {
  if (p.state !== "AUTHORIZED")
    return { ok: false, refusal: refusal("6020", "The payment was never authorized.") };
  const refundable = p.captured - p.refunded;
  if (value > refundable)
    return { ok: false, refusal: refusal("6150", `At most ${refundable} can be refunded.`) };
  return apply(p, { refunded: p.refunded + value }, event(p, "REFUNDED", value, op));
}

const money = (p: Payment, value: number): Money => ({ currency: p.amount.currency, value });

function aggregateOf(p: Payment): Record<string, Money> {
  return {
    authorizedAmount: money(p, p.authorized),
    cancelledAmount: money(p, p.cancelled),
    capturedAmount: money(p, p.captured),
    refundedAmount: money(p, p.refunded),
  };
}

/**
 * How long Vipps MobilePay guarantees a capture after authorization, by the sales unit's market:
 * 180 days in Norway, 14 in Denmark and Finland (without "late capture").
 * https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/operations/capture/
 */
const CAPTURE_GUARANTEE_DAYS: Readonly<Record<string, number>> = { NOK: 180, DKK: 14, EUR: 14 };

/** `captureGuaranteedUntil` of an authorized payment (a live field the 2023 spec lacks). */
function captureGuarantee(p: Payment): { captureGuaranteedUntil?: string } {
  const authorizedAt = p.events.find((e) => e.name === "AUTHORIZED" && e.success)?.timestamp;
  const days = CAPTURE_GUARANTEE_DAYS[p.amount.currency];
  if (authorizedAt === undefined || days === undefined) return {};
  return { captureGuaranteedUntil: new Date(Date.parse(authorizedAt) + days * 86_400_000).toISOString() };
}

/** GetPaymentResponse (epayment.yaml). */
export function paymentView(p: Payment): Record<string, unknown> {
  return {
    ...captureGuarantee(p),
    aggregate: aggregateOf(p),
    amount: p.amount,
    state: p.state,
    paymentMethod: { type: "WALLET" },
    profile: p.sub === undefined ? {} : { sub: p.sub },
    pspReference: p.pspReference,
    reference: p.reference,
    ...(p.metadata === undefined ? {} : { metadata: p.metadata }),
  };
}

/** ModificationResponse (epayment.yaml) of capture, cancel and refund. */
export function modificationView(p: Payment): Record<string, unknown> {
  return {
    amount: p.amount,
    state: p.state,
    aggregate: aggregateOf(p),
    pspReference: p.pspReference,
    reference: p.reference,
  };
}
