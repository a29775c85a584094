import type { Tender, TenderKind } from "../../drivers/register/index.js";
import type { Currency } from "../../lib/money.js";
import type { Basket } from "../../drivers/register/index.js";
import type { OrderLine as VippsOrderLine, QuantityUnit } from "../vipps/types/epayment.js";
import type { SaleVat } from "./vat.js";

/**
 * The checkout's data model. A `Sale` is everything the agent knows about one register sale;
 * it is stored whole in the journal after every transition, so it must stay plain JSON.
 */

/** Baskets are exactly what the register sends (docs/register-protocol.md). Amounts in minor units. */
export type { Basket, BasketLine } from "../../drivers/register/index.js";

/** Why a sale failed; the register shows it to the cashier. */
export type FailureReason =
  | "ABORTED"
  | "EXPIRED"
  | "TERMINATED"
  | "TOKEN_EXPIRED"
  | "CAPTURE_FAILED"
  | "VIPPS_UNAVAILABLE"
  | "PAYMENT_REFUSED"
  /** No usable scan came within `scanTimeoutMs` of `pay` (or of the last request to scan again). */
  | "NO_SCAN"
  /** A sale with a minimum age that Vipps refused for this customer (age-limit.ts). */
  | "AGE_NOT_VERIFIED"
  /** A refund from elsewhere: Vipps knows no payment of this merchant by that reference (refund-elsewhere.ts). */
  | "REFERENCE_UNKNOWN"
  /** A refund from elsewhere: the payment was captured more than 365 days ago. */
  | "REFUND_TOO_OLD"
  /** A refund from elsewhere: more than Vipps says is captured and not yet refunded. */
  | "REFUND_TOO_LARGE";

/**
 * Why a sale was cancelled by the agent rather than the cashier: an open basket dropped because
 * it was too old or too many were open (checkout.openBasketMaxAgeHours, maxOpenBaskets).
 */
type CancelReason = "BASKET_DROPPED";

/** One ePayment attempt: a sale that is declined and paid again gets a new reference. */
export interface Attempt {
  readonly n: number;
  readonly reference: string;
  /** The exact create body, kept so a retry after a crash is byte-identical (same Idempotency-Key). */
  readonly createBody: CreatePaymentBody;
  readonly createdAt: number;
  /**
   * A per-sale QR payment (`userFlow: "QR"`): the URL Vipps answered the create with, drawn as
   * the QR on the customer display. Set when the create is answered (per-sale-qr.ts).
   */
  readonly qrUrl?: string;
  /** When the payment was accepted by Vipps; polling starts `webhookGraceMs` after this. */
  readonly requestedAt?: number;
  readonly pspReference?: string;
  /**
   * Set when a capture was refused because Vipps had not authorized the payment (6080): the
   * next capture is a new request with a new key (Vipps binds a refusal to its key), round 2, 3…
   */
  readonly captureRound?: number;
}

/**
 * Who the payment request goes to (ePayment `customer`, exactly one of the three): the token of
 * a scan of the till's QR, the personal QR the register's scanner read from the customer's app,
 * or the number the cashier typed ("manual POS"). A per-sale QR payment has none.
 */
export type PaymentCustomer =
  { readonly customerToken: string } | { readonly personalQr: string } | { readonly phoneNumber: string };

export interface CreatePaymentBody {
  readonly amount: { readonly currency: Currency; readonly value: number };
  readonly paymentMethod: { readonly type: "WALLET" };
  /** Absent exactly for a per-sale QR (`userFlow: "QR"`). */
  readonly customer?: PaymentCustomer;
  readonly customerInteraction: "CUSTOMER_PRESENT";
  readonly userFlow: "PUSH_MESSAGE" | "QR";
  /** With `userFlow: "QR"`: the answer's `redirectUrl` is the text the QR encodes. */
  readonly qrFormat?: { readonly format: "TEXT/TARGETURL" };
  readonly reference: string;
  readonly paymentDescription: string;
  /** Absent for a hold: its receipt goes to Order Management once captured (app-receipt.ts). */
  readonly receipt?: AppReceipt;
  readonly metadata: Readonly<Record<string, string>>;
  /** Whole years; absent when no line nor `pay` asked for one. */
  readonly minimumUserAge?: number;
}

/** The receipt in the customer's app: Order Management's `Receipt` as the checkout fills it (app-receipt.ts). */
export interface AppReceipt {
  readonly orderLines: readonly OrderLine[];
  readonly bottomLine: {
    readonly currency: Currency;
    readonly posId: string;
    readonly receiptNumber: string;
    /** Split tender: the parts not paid through Vipps MobilePay (tenders.ts). */
    readonly paymentSources?: Partial<Record<TenderKind, number>>;
  };
}

/**
 * An order line as the checkout always sends it: Vipps' `OrderLine` (agent/vipps/types) with the
 * VAT rate and the unit information filled in, from the register's basket line.
 */
export type OrderLine = VippsOrderLine & {
  readonly taxRate: number;
  readonly unitInfo: NonNullable<VippsOrderLine["unitInfo"]> & { readonly quantityUnit: QuantityUnit };
};

export interface CheckIn {
  readonly customerToken: string;
  /** Scan time at Vipps, ms since epoch. */
  readonly initiatedAt: number;
}

export interface Refund {
  readonly refundId: string;
  readonly n: number;
  readonly amount: number;
  readonly status: "requested" | "done" | "failed";
  readonly pspReference?: string;
}

/**
 * Where a sale is. One discriminated union, no flags scattered around: each phase carries
 * exactly what the next step needs. Phases marked "in flight" imply a request that must be
 * (re)sent on start-up; see `resume.ts`.
 */
export type Phase =
  /** Basket received; the register has not asked for payment yet. */
  | { readonly kind: "open" }
  /**
   * `pay` received; the display shows the amount and QR; waiting for a scan since `since` (absent
   * in journals from before it was kept: the sale's `updatedAt` stands in). See customer-wait.ts.
   */
  | { readonly kind: "awaiting_customer"; readonly since?: number; readonly tokenExpired?: boolean }
  /** Loyalty: the scan's token is being exchanged for the phone number and looked up. */
  | { readonly kind: "identifying"; readonly checkIn: CheckIn }
  /** Loyalty: a member was recognised; the register may send member prices until `until`. */
  | { readonly kind: "member_window"; readonly checkIn: CheckIn; readonly until: number }
  /** Loyalty: the customer is asked in the app to join (Vipps Login); `bindingMessage` is on the display. */
  | { readonly kind: "enrolling"; readonly checkIn: CheckIn; readonly bindingMessage?: string }
  /** In flight: ePayment create. */
  | { readonly kind: "creating"; readonly attempt: Attempt; readonly cancelRequested: boolean }
  /** Created; waiting for the customer to approve (webhook or poll). */
  | { readonly kind: "requested"; readonly attempt: Attempt; readonly cancelRequested: boolean }
  /**
   * In flight: cancel with cancelTransactionOnly (the cashier withdrew a pending request).
   * `renew`: a per-sale QR withdrawn so a new one can be shown for the same basket.
   */
  | { readonly kind: "cancelling"; readonly attempt: Attempt; readonly renew?: true }
  /**
   * Authorized and held (a `pay` with `hold`): nothing is captured until the register sends
   * `capture` or `release`, or the hold's deadline comes (hold.ts). No request in flight.
   */
  | { readonly kind: "held"; readonly attempt: Attempt }
  /** In flight: capture of the authorized amount. */
  | { readonly kind: "capturing"; readonly attempt: Attempt }
  /** In flight: full cancel of an authorized payment (release the reserved money). */
  | { readonly kind: "releasing"; readonly attempt: Attempt; readonly then: ReleaseOutcome }
  /**
   * In flight: a refund for a payment this till did not take (refund-elsewhere.ts): the payment
   * is being looked up at Vipps before anything is refunded.
   */
  | {
      readonly kind: "looking_up";
      readonly reference: string;
      readonly refundId: string;
      readonly amount: number;
    }
  | { readonly kind: "final"; readonly outcome: Outcome };

type ReleaseOutcome =
  { readonly state: "cancelled" } | { readonly state: "failed"; readonly reason: FailureReason };

export type Outcome =
  | {
      readonly state: "captured";
      readonly reference: string;
      readonly pspReference?: string;
      readonly capturedAmount: number;
    }
  | { readonly state: "failed"; readonly reason: FailureReason; readonly reference?: string }
  | { readonly state: "cancelled"; readonly reference?: string; readonly reason?: CancelReason };

type ReceiptStatus = "none" | "queued" | "printing" | "printed" | "failed";

export interface Sale {
  readonly saleId: string;
  /** Per-till, monotonically increasing; also the receipt number. */
  readonly saleNo: number;
  /** Unique per till even if the journal is lost: the time-based part of every reference. */
  readonly referenceBase: string;
  readonly basket: Basket;
  /** The basket's VAT, computed when the basket was accepted (vat.ts); every receipt and report uses it. */
  readonly vat: SaleVat;
  readonly phase: Phase;
  readonly attempts: number;
  readonly refunds: readonly Refund[];
  /** `copy`: the print under way is a COPY (the original may have come out before a crash). */
  readonly receipt: { readonly status: ReceiptStatus; readonly copies: number; readonly copy?: boolean };
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly member?: { readonly id: string; readonly tier?: string };
  /** The `pay`'s minimum age, whole years (the lines' own are in the basket): age-limit.ts. */
  readonly minimumAge?: number;
  /**
   * Split tender: what the register took besides Vipps MobilePay, as its `pay` declared it;
   * Vipps collects the rest of the basket (tenders.ts). Absent: Vipps collects the whole basket.
   */
  readonly tenders?: readonly Tender[];
  /**
   * A payment that must end up uncapturable (cancelled or released) although the register has
   * already been told the outcome — e.g. Vipps stopped answering while a request was pending.
   * Worked on in the background until Vipps confirms.
   */
  readonly cleanup?: { readonly reference: string };
  /**
   * A record made for a refund of a payment another till (or this till before its journal was
   * lost) took: no basket of its own. `keyBase` makes its refunds' Idempotency-Keys this till's
   * own (refund-elsewhere.ts); `refundedElsewhere` is what Vipps said was already refunded.
   */
  readonly imported?: {
    readonly keyBase: string;
    readonly refundedElsewhere: number;
    readonly capturedAt?: number;
  };
  /**
   * A `pay` with `hold` (hold.ts): authorize now, capture later. `authorizedAmount` and `until`
   * (ms since epoch: when Vipps stops guaranteeing a capture) are set once Vipps authorized it;
   * `warned`: the register and the technician were told the deadline is near.
   */
  readonly hold?: {
    /** When Vipps' authorization reached the till (ms since epoch). */
    readonly since?: number;
    readonly authorizedAmount?: number;
    readonly until?: number;
    readonly warned?: true;
  };
  /**
   * A captured hold's receipt for the customer's app, still to be sent to Order Management
   * (app-receipt.ts): the final basket's lines, and `paid`, what Vipps captured (minor units),
   * which they must add up to. Cleared once Vipps has it (or refused it for good).
   */
  readonly orderReceipt?: { readonly reference: string; readonly receipt: AppReceipt; readonly paid: number };
  /** Why the last non-final update was sent (e.g. Vipps unavailable, token expired, no scan yet). */
  readonly notice?: "VIPPS_UNAVAILABLE" | "TOKEN_EXPIRED" | "NO_SCAN" | "QR_EXPIRED" | "HOLD_EXPIRING";
}

export function capturedAmount(sale: Sale): number {
  return sale.phase.kind === "final" && sale.phase.outcome.state === "captured"
    ? sale.phase.outcome.capturedAmount
    : 0;
}

export function refundedAmount(sale: Sale): number {
  return sale.refunds.filter((r) => r.status === "done").reduce((sum, r) => sum + r.amount, 0);
}

/** Refunds requested but not yet answered count against what may still be refunded. */
export function refundableAmount(sale: Sale): number {
  const reserved = sale.refunds.filter((r) => r.status !== "failed").reduce((sum, r) => sum + r.amount, 0);
  return capturedAmount(sale) - (sale.imported?.refundedElsewhere ?? 0) - reserved;
}

/** The current attempt of a sale that has one. */
export function currentAttempt(phase: Phase): Attempt | undefined {
  switch (phase.kind) {
    case "creating":
    case "requested":
    case "cancelling":
    case "capturing":
    case "releasing":
    case "held":
      return phase.attempt;
    case "open":
    case "awaiting_customer":
    case "identifying":
    case "member_window":
    case "enrolling":
    case "looking_up":
    case "final":
      return undefined;
  }
}
