import type { Money } from "../../lib/money.js";
import type { PayCustomer, Tender, SaleMessage, SaleReport } from "../../drivers/register/index.js";
import type { PaymentEvent } from "../vipps/types/epayment.js";
import type { AppReceipt, Basket, CheckIn, CreatePaymentBody, Sale } from "./sale.js";

/**
 * How the till finds the customer for a `pay` that names none (config `checkout.identification`,
 * resolved by the runner when the input arrives, so a journal replay is exact): `callback` — the
 * customer scans the till's own QR and the check-in webhook names them; `per-sale` — a QR made
 * for this payment alone is drawn on the display (per-sale-qr.ts).
 */
export type Identification = "callback" | "per-sale";

/** A customer the register identified itself: the wire contract's `pay.customer` (drivers/register). */
export type RegisterCustomer = PayCustomer;
import type { TillState } from "./till.js";

/** Everything that can happen to the checkout. Each input is journalled with the transition. */
export type Input =
  | { readonly type: "basket"; readonly basket: Basket }
  | {
      readonly type: "pay";
      readonly saleId: string;
      readonly total: number;
      /** Whole years, for the whole sale (age-limit.ts). */
      readonly minimumAge?: number;
      /** The register scanned the customer's personal QR, or the cashier typed their number. */
      readonly customer?: RegisterCustomer;
      /** Absent: `callback` (journals from before per-sale QR). */
      readonly identification?: Identification;
      /** Split tender: the other tenders; Vipps collects `total` less these (tenders.ts). */
      readonly tenders?: readonly Tender[];
      /** (extension) Authorize only; the register captures or releases later (hold.ts). */
      readonly hold?: true;
    }
  /** The register's final amount for a held sale: must equal its basket total (hold.ts). */
  | { readonly type: "capture"; readonly saleId: string; readonly total: number }
  /** The register gives a held sale's money back. */
  | { readonly type: "release"; readonly saleId: string }
  /**
   * Held sales whose deadline is near (`warn`) or due (`due`), chosen by the runner's hold sweep
   * from the journal; the machine checks each against `now` itself (hold.ts).
   */
  | { readonly type: "hold_deadline"; readonly saleIds: readonly string[] }
  /** The till's way of identifying customers changed (auto mode: the route for check-ins went or came). */
  | { readonly type: "identification"; readonly identification: Identification }
  | { readonly type: "cancel"; readonly saleId: string }
  | {
      readonly type: "refund";
      readonly saleId: string;
      readonly refundId: string;
      readonly amount: number;
      /** (extension) The Vipps reference, for a refund of a payment this till did not take. */
      readonly reference?: string;
    }
  | { readonly type: "lookup_result"; readonly saleId: string; readonly result: ApiResult<PaymentRecord> }
  | { readonly type: "checkin"; readonly checkIn: CheckIn }
  | { readonly type: "payment_event"; readonly event: PaymentEventInput }
  | {
      readonly type: "create_result";
      readonly saleId: string;
      readonly reference: string;
      /** `redirectUrl`: for a per-sale QR, the text the QR encodes. */
      readonly result: ApiResult<CreateAnswer>;
    }
  | {
      readonly type: "poll_result";
      readonly saleId: string;
      readonly reference: string;
      readonly result: ApiResult<PaymentSnapshot>;
      /** The answer to a `vipps_get` with `confirmsEvent`. */
      readonly confirmsEvent?: true;
    }
  | {
      readonly type: "capture_result";
      readonly saleId: string;
      readonly reference: string;
      readonly result: ApiResult<{ readonly capturedAmount: number; readonly pspReference?: string }>;
    }
  | {
      readonly type: "cancel_result";
      readonly saleId: string;
      readonly reference: string;
      readonly transactionOnly: boolean;
      readonly result: ApiResult<PaymentSnapshot>;
    }
  | {
      readonly type: "cleanup_result";
      readonly saleId: string;
      readonly reference: string;
      readonly result: ApiResult<void>;
    }
  /**
   * Order Management's answer to a captured hold's receipt (app-receipt.ts). `refused` with
   * status 409: the order already has a receipt — ours, sent before an answer was lost.
   */
  | {
      readonly type: "order_receipt_result";
      readonly saleId: string;
      readonly reference: string;
      readonly result: ApiResult<void>;
    }
  | {
      readonly type: "refund_result";
      readonly saleId: string;
      readonly refundId: string;
      readonly result: ApiResult<{ readonly pspReference?: string }>;
    }
  | { readonly type: "timer"; readonly saleId: string; readonly reference: string; readonly timer: TimerName }
  | { readonly type: "loyalty_identified"; readonly saleId: string; readonly result: LoyaltyIdentified }
  | { readonly type: "loyalty_binding"; readonly saleId: string; readonly bindingMessage: string }
  | { readonly type: "loyalty_enrolled"; readonly saleId: string; readonly member?: Member }
  | { readonly type: "receipt_started"; readonly saleId: string }
  /** Open baskets past the configured limits, chosen by the runner from the journal (open-baskets.ts). */
  | { readonly type: "drop_baskets"; readonly saleIds: readonly string[] }
  /** `abandoned`: no printer is configured, so the receipt will never print (terminal). */
  | {
      readonly type: "receipt_result";
      readonly saleId: string;
      readonly printed: boolean;
      readonly abandoned?: boolean;
    };

/**
 * poll/retry: Vipps requests. loyalty: the member window closed, or a loyalty step must give
 * way to the payment. token_deadline: the scan's token is about to expire during loyalty.
 * scan_wait: a sale waiting for a scan is due a reminder or its end (customer-wait.ts).
 */
export type TimerName = "poll" | "retry" | "loyalty" | "token_deadline" | "scan_wait";

/** A loyalty member as the checkout and the register see it (no personal data). */
export interface Member {
  readonly id: string;
  readonly tier?: string;
}

export type LoyaltyIdentified =
  | { readonly kind: "member"; readonly member: Member }
  | { readonly kind: "not_member"; readonly candidate: string }
  | { readonly kind: "unavailable" };

/**
 * What the checkout takes (and journals) from an ePayment webhook (`epayments.payment.*.v1`),
 * already signature-checked and deduplicated: Vipps' event (agent/vipps/types) with the amount
 * validated as Money.
 */
export interface PaymentEventInput extends Pick<
  PaymentEvent,
  "reference" | "name" | "pspReference" | "success"
> {
  readonly amount: Money;
}

/** Only the fields the checkout acts on: the rest of a webhook (msn, times, keys) is not journalled. */
export function paymentEventInput(event: PaymentEventInput): PaymentEventInput {
  const { reference, name, pspReference, amount, success } = event;
  return { reference, name, pspReference, amount, success };
}

/** The part of the create answer the checkout uses (absent for PUSH_MESSAGE). */
export interface CreateAnswer {
  readonly redirectUrl?: string;
}

/** The parts of GET /epayment/v1/payments/{reference} (or a modification answer) we act on. */
export interface PaymentSnapshot {
  readonly state: "CREATED" | "AUTHORIZED" | "ABORTED" | "EXPIRED" | "TERMINATED";
  readonly authorizedAmount: number;
  readonly capturedAmount: number;
  readonly cancelledAmount: number;
  readonly refundedAmount: number;
  readonly pspReference?: string;
  /** Until when Vipps guarantees a capture (ms since epoch), when its answer says so. */
  readonly captureGuaranteedUntil?: number;
}

/** A payment looked up for a refund from elsewhere: its amounts and when it was first captured. */
export interface PaymentRecord {
  readonly snapshot: PaymentSnapshot;
  /** The first successful CAPTURED event in Vipps' event log, ms since epoch; absent if none. */
  readonly capturedAt?: number;
}

/**
 * The outcome of one Vipps request after the client's own retries. `refused`: Vipps answered
 * with a definite no (4xx) — `code` is Vipps' numeric error code when there is one.
 * `unavailable`: no definite answer (network, 5xx, timeouts) — the request may or may not have
 * taken effect, so it is retried with the same Idempotency-Key.
 */
export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: "refused"; readonly status: number; readonly code?: string }
  | { readonly ok: false; readonly failure: "unavailable" };

/** What the agent tells the register about a sale: the wire `sale` message (drivers/register). */
export type SaleUpdate = Omit<SaleMessage, "type">;

/**
 * A message the register must receive: kept in the journal and re-sent (after every hello)
 * until acked. Only the newest of each kind per sale is kept.
 */
export type DurableRegisterMessage = SaleReport;

/** The I/O the machine asks for. The runner performs them after the transition is journalled. */
export type Effect =
  | {
      readonly type: "vipps_create";
      readonly saleId: string;
      readonly reference: string;
      readonly idempotencyKey: string;
      readonly body: CreatePaymentBody;
    }
  | {
      readonly type: "vipps_get";
      readonly saleId: string;
      readonly reference: string;
      /**
       * Checks what a failure webhook claims, once: its answer never starts another poll (the
       * sale's own polling goes on), so a flood of forged events costs one GET each, no more.
       */
      readonly confirmsEvent?: true;
    }
  | {
      readonly type: "vipps_capture";
      readonly saleId: string;
      readonly reference: string;
      readonly idempotencyKey: string;
      readonly amount: Money;
    }
  | {
      readonly type: "vipps_cancel";
      readonly saleId: string;
      readonly reference: string;
      readonly idempotencyKey: string;
      readonly transactionOnly: boolean;
      /** A background clean-up after the register was already told the outcome. */
      readonly cleanup: boolean;
    }
  | {
      readonly type: "vipps_refund";
      readonly saleId: string;
      readonly reference: string;
      readonly refundId: string;
      readonly idempotencyKey: string;
      readonly amount: Money;
    }
  /**
   * A captured hold's final basket for the customer's app: Order Management's receipt, whose
   * lines add up to `paid`. Answered by `order_receipt_result` (app-receipt.ts).
   */
  | {
      readonly type: "vipps_order_receipt";
      readonly saleId: string;
      readonly reference: string;
      readonly receipt: AppReceipt;
      readonly paid: Money;
    }
  /** GET the payment and its event log (a refund from elsewhere); answered by `lookup_result`. */
  | { readonly type: "vipps_lookup"; readonly saleId: string; readonly reference: string }
  /** `durable`: final outcomes, kept in the journal and re-sent until the register acks. */
  | { readonly type: "notify_register"; readonly update: SaleUpdate; readonly durable: boolean }
  | {
      readonly type: "print_receipt";
      readonly saleId: string;
      readonly kind: "sale" | "refund";
      readonly copy: boolean;
      readonly refundId?: string;
    }
  | {
      readonly type: "receipt_outcome";
      readonly saleId: string;
      readonly printed: boolean;
      readonly copy: boolean;
    }
  | {
      readonly type: "schedule";
      readonly saleId: string;
      readonly reference: string;
      readonly timer: TimerName;
      readonly delayMs: number;
    }
  /** A sale event for the back office: the sale ended, or is held (its `sale.held`). */
  | { readonly type: "sale_completed"; readonly sale: Sale }
  | { readonly type: "loyalty_identify"; readonly saleId: string; readonly customerToken: string }
  /** `candidate` is the loyalty port's opaque handle for the phone number. */
  | { readonly type: "loyalty_enroll"; readonly saleId: string; readonly candidate: string }
  | { readonly type: "loyalty_abort"; readonly saleId: string }
  | { readonly type: "paid_signal" };

/** The answer to a register command: a plain ack, or a refusing ack with a protocol code. */
export type Acceptance =
  { readonly ok: true } | { readonly ok: false; readonly code: RefusalCode; readonly message: string };

export type RefusalCode =
  | "UNKNOWN_SALE"
  | "SALE_LOCKED"
  | "SALE_BUSY"
  | "SALE_FINISHED"
  | "CANCEL_TOO_LATE"
  | "NOT_CAPTURED"
  | "REFUND_TOO_LARGE"
  | "BAD_CURRENCY"
  | "BASKET_TOTAL_MISMATCH"
  | "AMOUNT_OUT_OF_RANGE"
  | "BAD_FIELD"
  | "PAYMENT_IN_PROGRESS"
  | "NOT_HELD"
  | "HOLD_EXCEEDED";

export interface Transition {
  readonly till: TillState;
  readonly effects: readonly Effect[];
  /** For register commands: how to ack. Refused commands change nothing. */
  readonly acceptance?: Acceptance;
  /** The sales this transition changed (to journal). */
  readonly changed: readonly string[];
  /** The till's own fields changed with no sale (a held scan): journalled all the same. */
  readonly tillChanged?: true;
}
