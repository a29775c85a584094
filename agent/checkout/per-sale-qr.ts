import { beginAttempt } from "./attempts.js";
import { waitForScan } from "./customer-wait.js";
import type { Acceptance, CreateAnswer, Identification, RegisterCustomer, Transition } from "./io.js";
import { idempotencyKey } from "./references.js";
import type { Attempt, Sale } from "./sale.js";
import type { TillState } from "./till.js";
import { advance, commit, noChange, refuse, type Ctx } from "./transitions.js";

/**
 * Paying without the check-in webhook (docs/architecture.md, "When the cloud is down"). ePayment
 * needs only the till's own HTTPS to Vipps, so a customer can be identified three more ways:
 *
 * - a **per-sale QR**: a payment created with `userFlow: "QR"` and no customer; its URL is drawn
 *   on the display and whoever scans it gets this basket's request — only this one, so no
 *   static-QR rule (scans.ts) is needed for it;
 * - a **merchant scan**: the register's scanner read the customer's personal QR (`personalQr`);
 * - a **typed number** ("manual POS", `phoneNumber`).
 *
 * Never two live payments for one sale: while an attempt exists the sale is out of
 * `awaiting_customer`, so a check-in for it is dropped (scans.ts); a new per-sale QR is made only
 * after Vipps confirmed the previous one ended (renewal withdraws it first).
 */

/** The attempt is a per-sale QR (no customer was named in its create). */
export function isPerSaleQr(attempt: Attempt): boolean {
  return attempt.createBody.userFlow === "QR";
}

/**
 * What the display may draw from a create answer: an https URL of printable ASCII, as long as a
 * QR at error correction M can hold (drivers/display/qr-matrix.ts). Anything else is treated as
 * no usable answer: the payment is then withdrawn in the background, never shown.
 */
export function usableQrUrl(answer: CreateAnswer): string | undefined {
  const url = answer.redirectUrl;
  return url !== undefined && /^https:\/\/[\x21-\x7e]{1,2000}$/.test(url) ? url : undefined;
}

/** A payment for `sale` by a per-sale QR. */
export function startPerSaleQr(till: TillState, sale: Sale, ctx: Ctx, acceptance?: Acceptance): Transition {
  return beginAttempt(till, sale, undefined, ctx, acceptance);
}

/**
 * `pay` naming the customer (merchant scan or typed number): pushed to that customer at once.
 * Only a sale that has no payment yet may take it — one waiting for a scan, or an open basket
 * (the caller has made it the active sale).
 */
export function payNamedCustomer(
  till: TillState,
  sale: Sale,
  customer: RegisterCustomer,
  ctx: Ctx,
  acceptance: Acceptance,
): Transition {
  if (sale.phase.kind !== "open" && sale.phase.kind !== "awaiting_customer") {
    return refuse(
      till,
      "PAYMENT_IN_PROGRESS",
      `sale ${sale.saleId} already has a payment request; cancel the sale to pay it another way`,
    );
  }
  return beginAttempt(till, sale, customer, ctx, acceptance);
}

/**
 * `pay` again for a sale whose per-sale QR is live: the cashier asks for a new code. The old
 * payment is withdrawn first (cancelTransactionOnly); the new QR is made when Vipps confirms
 * (onRenewed) — if the customer approved meanwhile, that payment is captured instead.
 */
export function renewPerSaleQr(till: TillState, sale: Sale, ctx: Ctx, acceptance: Acceptance): Transition {
  if (sale.phase.kind !== "requested" || !isPerSaleQr(sale.phase.attempt)) return noChange(till, acceptance);
  const attempt = sale.phase.attempt;
  const cancel = {
    type: "vipps_cancel" as const,
    saleId: sale.saleId,
    reference: attempt.reference,
    idempotencyKey: idempotencyKey(attempt.reference, "cancel"),
    transactionOnly: true,
    cleanup: false,
  };
  return advance(till, sale, { kind: "cancelling", attempt, renew: true }, [cancel], ctx, acceptance);
}

/** A renewal's withdrawal is confirmed: the new per-sale QR. */
export function onRenewed(till: TillState, sale: Sale, ctx: Ctx): Transition {
  return startPerSaleQr(till, sale, ctx);
}

/** The cashier cancels during a renewal: the withdrawal in flight ends the sale, no new QR. */
export function cancelRenewal(till: TillState, sale: Sale, ctx: Ctx, acceptance: Acceptance): Transition {
  if (sale.phase.kind !== "cancelling") return noChange(till, acceptance);
  const { renew: _renew, ...phase } = sale.phase;
  return commit(till, { ...sale, phase }, [], ctx, acceptance);
}

/**
 * A per-sale QR expired unscanned (confirmed by Vipps): the sale waits again, and the register
 * hears `waiting_for_customer` with `QR_EXPIRED` — a new code comes on the cashier's `pay`.
 */
export function onPerSaleExpired(till: TillState, sale: Sale, ctx: Ctx): Transition {
  return waitForScan(till, sale, ctx, { notice: "QR_EXPIRED" });
}

/**
 * The way of identifying customers changed (auto mode). A sale waiting for a scan of the till's
 * QR while check-ins can no longer reach the till gets a per-sale QR; nothing else changes — a
 * route that comes back never disturbs a per-sale payment, and a sale whose QR expired waits for
 * the cashier.
 */
export function onIdentificationChanged(
  till: TillState,
  identification: Identification,
  ctx: Ctx,
): Transition {
  if (identification !== "per-sale" || till.activeSaleId === undefined) return noChange(till);
  const sale = till.sales[till.activeSaleId];
  if (sale?.phase.kind !== "awaiting_customer" || sale.notice === "QR_EXPIRED") return noChange(till);
  return startPerSaleQr(till, sale, ctx);
}
