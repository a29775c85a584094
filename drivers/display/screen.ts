import type { Money } from "../../lib/money.js";
import { isCurrency, isMinorUnits } from "../../lib/money.js";
import { displayError } from "./errors.js";

/**
 * Why a sale ended unpaid, as the customer should understand it. The first four are ePayment
 * outcomes and check-in expiry (docs/vipps-api.md §6); the rest come from the checkout.
 */
export const NOT_PAID_REASONS = [
  "ABORTED",
  "EXPIRED",
  "TERMINATED",
  "TOKEN_EXPIRED",
  "CAPTURE_FAILED",
  "VIPPS_UNAVAILABLE",
  "PAYMENT_REFUSED",
  "NO_SCAN",
  "CANCELLED",
] as const;
export type NotPaidReason = (typeof NOT_PAID_REASONS)[number];

/** What the customer display shows: one variant per moment of a sale. */
export type Screen =
  /**
   * Between sales: "scan to pay" and the till's QR. Without `qrContent` the till's QR would not
   * reach the till (it pays by per-sale QR): the code appears when the customer pays.
   */
  | { readonly kind: "idle"; readonly qrContent?: string }
  /**
   * A locked basket: the amount in large digits and the till's QR (absent as for `idle`).
   * `scanAgain`: a scan was not usable or did not come, so the customer is asked to scan (again).
   */
  | {
      readonly kind: "amount";
      readonly amount: Money;
      readonly qrContent?: string;
      readonly scanAgain?: boolean;
    }
  /**
   * A per-sale QR: the amount and the QR of this payment alone (its URL from Vipps). Without
   * `qrContent` the code is being made; `expired`: it ran out unscanned, the cashier makes a new one.
   */
  | {
      readonly kind: "payment_qr";
      readonly amount: Money;
      readonly qrContent?: string;
      readonly expired?: boolean;
    }
  /** The payment request was pushed: "approve in your app". */
  | { readonly kind: "waiting"; readonly amount: Money }
  /** Vipps Login (CIBA) enrollment: the binding code the customer compares in the app. */
  | { readonly kind: "loyalty_login"; readonly bindingMessage: string }
  /** A recognised loyalty member. */
  | { readonly kind: "member"; readonly memberName?: string; readonly tier?: string }
  | { readonly kind: "paid"; readonly amount: Money }
  | { readonly kind: "not_paid"; readonly reason: NotPaidReason }
  /** `reason` is shown verbatim (already in the display's language) under the headline. */
  | { readonly kind: "out_of_service"; readonly reason?: string };

export type ScreenKind = Screen["kind"];
export const SCREEN_KINDS: readonly ScreenKind[] = [
  "idle",
  "amount",
  "payment_qr",
  "waiting",
  "loyalty_login",
  "member",
  "paid",
  "not_paid",
  "out_of_service",
];

/** Vipps Login `binding_message` (docs/vipps-api.md §8): 5–8 of A–Z, 0–9 and `-`. */
const BINDING_MESSAGE_PATTERN = /^[A-Z0-9-]{5,8}$/;

/** Longest free text (member name, tier, out-of-service reason) accepted, in characters. */
const MAX_FREE_TEXT = 200;

/**
 * Throws `DISPLAY_BAD_SCREEN` unless `screen` is well formed: amounts are non-negative safe
 * integers in a known currency, the QR content is non-empty, the binding code matches the Login
 * pattern, free texts are bounded. Nothing is drawn for a refused screen.
 */
export function validateScreen(screen: Screen): void {
  const bad = (message: string): never => {
    throw displayError("DISPLAY_BAD_SCREEN", message, { details: { screen: screen.kind } });
  };
  const money = (amount: Money): void => {
    if (typeof amount !== "object" || amount === null) bad("amount is missing");
    if (!isCurrency(amount.currency)) bad("amount.currency must be NOK, DKK or EUR");
    if (!isMinorUnits(amount.value)) bad("amount.value must be a non-negative safe integer (minor units)");
  };
  const qr = (content: string): void => {
    if (typeof content !== "string" || content.length === 0) bad("qrContent must be a non-empty string");
  };
  const free = (text: string | undefined, name: string): void => {
    if (text === undefined) return;
    if (typeof text !== "string" || text.length > MAX_FREE_TEXT)
      bad(`${name} must be a string of at most ${MAX_FREE_TEXT} characters`);
  };
  switch (screen.kind) {
    case "idle":
      if (screen.qrContent !== undefined) qr(screen.qrContent);
      return;
    case "amount":
      money(screen.amount);
      if (screen.qrContent !== undefined) qr(screen.qrContent);
      if (screen.scanAgain !== undefined && typeof screen.scanAgain !== "boolean")
        bad("scanAgain must be a boolean");
      return;
    case "payment_qr":
      money(screen.amount);
      if (screen.qrContent !== undefined) qr(screen.qrContent);
      if (screen.expired !== undefined && typeof screen.expired !== "boolean")
        bad("expired must be a boolean");
      return;
    case "waiting":
    case "paid":
      money(screen.amount);
      return;
    case "loyalty_login":
      if (typeof screen.bindingMessage !== "string" || !BINDING_MESSAGE_PATTERN.test(screen.bindingMessage)) {
        bad("bindingMessage must be 5–8 characters of A–Z, 0–9 and -");
      }
      return;
    case "member":
      free(screen.memberName, "memberName");
      free(screen.tier, "tier");
      return;
    case "not_paid":
      if (!(NOT_PAID_REASONS as readonly string[]).includes(screen.reason))
        bad(`reason must be one of ${NOT_PAID_REASONS.join(", ")}`);
      return;
    case "out_of_service":
      free(screen.reason, "reason");
      return;
    default:
      return bad(`unknown screen kind ${JSON.stringify((screen as { kind?: unknown }).kind)}`);
  }
}
