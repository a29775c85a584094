import type { TenderKind } from "./protocol.js";
import type { Currency } from "../../lib/money.js";

/**
 * The message catalogue of protocol v1 (docs/register-protocol.md §4.1, §4.2). These are the
 * decoded shapes, without the envelope fields `v` and `seq`, which the link adds and strips.
 * Amounts are integers in minor units (øre, cent).
 */

export const SALE_STATES = [
  "open",
  "waiting_for_customer",
  "customer_identified",
  "payment_requested",
  "held",
  "captured",
  "failed",
  "cancelled",
  "refunded",
] as const;
export type SaleState = (typeof SALE_STATES)[number];

/** States after which nothing more happens to the payment; they carry `final: true`. */
export const FINAL_SALE_STATES: ReadonlySet<SaleState> = new Set([
  "captured",
  "failed",
  "cancelled",
  "refunded",
]);

export function isFinalSaleState(state: SaleState): boolean {
  return FINAL_SALE_STATES.has(state);
}

/**
 * Why a sale is `failed` (or, with REFUND_FAILED, why a refund did not happen; with
 * BASKET_DROPPED, why the agent itself cancelled an open basket). A register must accept reasons
 * it does not know: later agents may add some. A cashier's cancel is not a failure: it is the
 * `cancelled` state.
 */
export const FAILURE_REASONS = [
  "ABORTED",
  "EXPIRED",
  "TERMINATED",
  "TOKEN_EXPIRED",
  "CAPTURE_FAILED",
  "VIPPS_UNAVAILABLE",
  "PAYMENT_REFUSED",
  "NO_SCAN",
  "REFUND_FAILED",
  "BASKET_DROPPED",
  "AGE_NOT_VERIFIED",
  "REFERENCE_UNKNOWN",
  "REFUND_TOO_OLD",
  "REFUND_TOO_LARGE",
  "QR_EXPIRED",
  "HOLD_EXPIRING",
] as const;
type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * Codes of a refusing ack (§Error codes). The frame was intact but its content is refused and
 * nothing was done. The first nine are the contract's; the rest are our additions
 * (docs/register-protocol.md): SALE_FINISHED (the sale already reached a final state),
 * CANCEL_TOO_LATE (the money is being or was captured: refund instead), AMOUNT_OUT_OF_RANGE
 * (below the market's minimum payment or above the maximum), INTERNAL_ERROR (the receiver
 * failed while processing and did nothing; try again later as a new frame), DAY_OUT_OF_RANGE
 * (`totals` for a day in the future or older than the journal keeps), AGENT_STOPPING (the agent
 * is shutting down and did nothing; send it again after the next hello), and for a `pay` that
 * names its customer (extension): BAD_PERSONAL_QR, BAD_PHONE_NUMBER, PHONE_NOT_SUPPORTED (not a
 * Norwegian mobile number, the only kind Vipps MobilePay accepts), PAYMENT_IN_PROGRESS (the
 * sale already has a payment request), for a split-tender `pay` (extension, §7.14):
 * UNKNOWN_TENDER (a tender kind other than cash, card, giftCard, voucher), AMOUNT_ABOVE_TOTAL
 * (the Vipps MobilePay part is more than the basket), TENDERS_MISMATCH (the part and the other
 * tenders do not add up to the total), and for a held sale (extension, §7.13): NOT_HELD
 * (`capture` or `release` of a sale that is not an open hold), HOLD_EXCEEDED (more than was
 * authorized). Registers must
 * treat a code they do not know as "refused, nothing done".
 */
export const REGISTER_ERROR_CODES = [
  "UNKNOWN_TYPE",
  "BAD_FIELD",
  "BASKET_TOTAL_MISMATCH",
  "BAD_CURRENCY",
  "UNKNOWN_SALE",
  "SALE_LOCKED",
  "SALE_BUSY",
  "NOT_CAPTURED",
  "REFUND_TOO_LARGE",
  "SALE_FINISHED",
  "CANCEL_TOO_LATE",
  "AMOUNT_OUT_OF_RANGE",
  "INTERNAL_ERROR",
  "DAY_OUT_OF_RANGE",
  "AGENT_STOPPING",
  "BAD_PERSONAL_QR",
  "BAD_PHONE_NUMBER",
  "PHONE_NOT_SUPPORTED",
  "PAYMENT_IN_PROGRESS",
  "UNKNOWN_TENDER",
  "TENDERS_MISMATCH",
  "AMOUNT_ABOVE_TOTAL",
  "NOT_HELD",
  "HOLD_EXCEEDED",
] as const;
export type RegisterErrorCode = (typeof REGISTER_ERROR_CODES)[number];

/** Codes of a `nak`: the line itself was damaged (BAD_CRC) or is not a frame (BAD_FRAME). */
export type NakCode = "BAD_CRC" | "BAD_FRAME";

export interface BasketLine {
  /** The register's article id. */
  readonly id: string;
  readonly name: string;
  /** A decimal string, never a float: "2", "0.455". */
  readonly quantity: string;
  /** Minor units per unit. */
  readonly unitPrice: number;
  /** Minor units taken off this line; absent means 0. */
  readonly discount?: number;
  /** The register's figure for the line after discount, minor units. */
  readonly total: number;
  /** Basis points: 2500 = 25 %. */
  readonly vatRate: number;
  /** e.g. "PCS", "KG". */
  readonly unit?: string;
  /** (extension) Whole years the buyer must be for this article; ePayment's `minimumUserAge`. */
  readonly minimumAge?: number;
}

export interface Basket {
  readonly saleId: string;
  readonly currency: Currency;
  readonly lines: readonly BasketLine[];
  /** Sum of the line totals, minor units. */
  readonly total: number;
}

interface BasketMessage extends Basket {
  readonly type: "basket";
}
interface PayMessage {
  readonly type: "pay";
  readonly saleId: string;
  /** Must equal the basket total. */
  readonly total: number;
  /**
   * (extension, docs/register-protocol.md §4.1) The customer, when the register identified them:
   * the full content of their personal QR as its scanner read it, or the MSISDN the cashier typed.
   */
  readonly customer?: PayCustomer;
  /** (extension) Whole years the buyer must be, for the whole sale (lines may say so too). */
  readonly minimumAge?: number;
  /**
   * (extension, §7.14) Split tender: the part Vipps MobilePay collects, minor units; given
   * exactly when `tenders` is, and `amount` + the tenders' amounts = `total`.
   */
  readonly amount?: number;
  /** (extension, §7.14) What the register took for the rest of the basket. */
  readonly tenders?: readonly Tender[];
  /**
   * (extension, docs/register-protocol.md §7.13) Authorize only and hold the money: the register
   * sends `capture` with the final amount, or `release`, later. Not with `tenders`.
   */
  readonly hold?: boolean;
}
/** One other means of payment of a split-tender sale, as the register declares it. */
export interface Tender {
  readonly kind: TenderKind;
  /** Minor units, ≥ 1. */
  readonly amount: number;
}

/** (extension, §7.13) Capture a held sale: `total` is the final amount, equal to its basket total. */
interface CaptureMessage {
  readonly type: "capture";
  readonly saleId: string;
  readonly total: number;
}

/** (extension, §7.13) Give a held sale's money back to the customer; the sale ends `cancelled`. */
interface ReleaseMessage {
  readonly type: "release";
  readonly saleId: string;
}
export type PayCustomer = { readonly personalQr: string } | { readonly phoneNumber: string };
interface CancelMessage {
  readonly type: "cancel";
  readonly saleId: string;
}
interface RefundMessage {
  readonly type: "refund";
  readonly saleId: string;
  /** The register's id for this refund (same alphabet as saleId): a repeat is the same refund. */
  readonly refundId: string;
  readonly amount: number;
  /**
   * (extension, §7.11) The Vipps reference of the payment: for a sale another till took (or
   * this one before its Pi was replaced), whose saleId this agent does not know.
   */
  readonly reference?: string;
}
interface StatusMessage {
  readonly type: "status";
  readonly saleId: string;
}
/**
 * (extension, docs/register-protocol.md §4.1) Asks for a day's totals — the end-of-day report's
 * figures — answered by a `totals` message after the ack.
 */
export interface TotalsRequest {
  readonly type: "totals";
  /** YYYY-MM-DD in the till's time zone; absent: today. */
  readonly date?: string;
}
interface PingMessage {
  readonly type: "ping";
}
interface PongMessage {
  readonly type: "pong";
}
type LinkRole = "register" | "agent";
export interface HelloMessage {
  readonly type: "hello";
  readonly protocol: number;
  readonly role: LinkRole;
  readonly id: string;
  readonly software: string;
  /** Only in the agent's hello. */
  readonly till?: string;
  /**
   * (extension, docs/register-protocol.md §3.3) A token the sender draws anew for every hello
   * that restarts its numbering (never for a retransmission): a hello with another session
   * than the one accepted is a restart of the peer, recognised at once. Optional: registers
   * that follow only the v1 contract send none, and the time window decides for them.
   */
  readonly session?: string;
}

/** What the register asks of the agent about one sale. */
export type SaleCommand =
  | BasketMessage
  | PayMessage
  | CaptureMessage
  | ReleaseMessage
  | CancelMessage
  | RefundMessage
  | StatusMessage;
/** What the register asks of the agent; delivered to the agent's handler. */
export type RegisterCommand = SaleCommand | TotalsRequest;
/**
 * Everything the register sends. ping, pong and hello belong to the link layer and are
 * answered by it: either side may ping (the agent's heartbeat does), the other answers pong.
 */
export type RegisterMessage = RegisterCommand | PingMessage | PongMessage | HelloMessage;

interface LoyaltyMember {
  readonly id: string;
  readonly tier?: string;
}

export interface SaleMessage {
  readonly type: "sale";
  readonly saleId: string;
  readonly state: SaleState;
  /** True exactly on the final states. */
  readonly final: boolean;
  /** The amount being collected, minor units. */
  readonly amount?: number;
  /** Our payment reference at Vipps MobilePay (`<till>-…`). */
  readonly reference?: string;
  readonly pspReference?: string;
  readonly capturedAmount?: number;
  readonly refundedAmount?: number;
  /** (extension, §7.13) A held sale: what Vipps authorized, minor units. */
  readonly authorizedAmount?: number;
  /** (extension, §7.13) A held sale: until when Vipps guarantees the capture (ISO 8601, UTC). */
  readonly holdUntil?: string;
  /** The register's refundId this report answers, on refund outcomes. */
  readonly refundId?: string;
  /**
   * On `failed`, on a refund that failed, on `cancelled` by the agent (BASKET_DROPPED), and as a
   * notice on `waiting_for_customer` / `payment_requested` (docs/register-protocol.md §4.2).
   */
  readonly reason?: FailureReason;
  readonly member?: LoyaltyMember;
}
export interface ReceiptMessage {
  readonly type: "receipt";
  readonly saleId: string;
  readonly printed: boolean;
  readonly copy: boolean;
  /** Why it was not printed (e.g. PAPER_OUT), only when `printed` is false. */
  readonly error?: string;
}

/** VAT of one rate over a day, minor units: `gross = net + vat`. */
interface TotalsVatRate {
  /** Basis points: 2500 = 25 %. */
  readonly rate: number;
  readonly gross: number;
  readonly net: number;
  readonly vat: number;
}

/**
 * (extension, docs/register-protocol.md §4.2) A day's totals, the answer to `totals`: the
 * figures of the end-of-day report (`pos-agent report`), minor units of `currency`. Not stored:
 * a register that lost it asks again.
 */
export interface TotalsMessage {
  readonly type: "totals";
  /** The day, YYYY-MM-DD, and its bounds in the till's time zone (ISO 8601). */
  readonly date: string;
  readonly from: string;
  readonly to: string;
  readonly currency: Currency;
  /** Sales that ended that day, by outcome (a sale counts on the day it ended). */
  readonly sales: {
    readonly count: number;
    readonly captured: { readonly count: number; readonly total: number };
    readonly failed: number;
    readonly cancelled: number;
  };
  /** Refunds Vipps confirmed that day. */
  readonly refunds: { readonly count: number; readonly total: number };
  /** Captured minus refunded; negative on a day with more refunded than captured. */
  readonly net: number;
  /** Of the captured sales, per rate, highest rate first. */
  readonly vat: readonly TotalsVatRate[];
  /** Sales begun that day that had not ended by its end (or by now, for today). */
  readonly unfinished: number;
  /**
   * (extension, §7.14) Split tender: per kind, what the register declared it took besides Vipps
   * MobilePay in the captured sales; absent on a day without. `vat` is of whole baskets, so of
   * `sales.captured.total` plus these.
   */
  readonly tenders?: readonly Tender[];
}

/** What the agent tells the register about a sale; stored until acked (sale, receipt). */
export type SaleReport = SaleMessage | ReceiptMessage;
/** What the agent tells the register; sent with `RegisterLink.send`. */
export type AgentReport = SaleReport | TotalsMessage;
/** Everything the agent sends (ping, pong and hello are the link layer's). */
export type AgentMessage = AgentReport | PingMessage | PongMessage | HelloMessage;

/** A handler's answer to a delivered message: a plain ack, or a refusing ack. */
export type Acceptance =
  { readonly ok: true } | { readonly ok: false; readonly code: RegisterErrorCode; readonly message: string };

/** The peer's answer to a frame we sent. */
export type SendResult =
  { readonly acked: true } | { readonly refused: { readonly code: string; readonly message: string } };

export const ACCEPTED: Acceptance = Object.freeze({ ok: true });

export function refuse(code: RegisterErrorCode, message: string): Acceptance {
  return { ok: false, code, message };
}
