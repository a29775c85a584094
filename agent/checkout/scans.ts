import type { Transition } from "./io.js";
import { tokenIsFresh } from "./attempts.js";
import { onScanForSale } from "./loyalty.js";
import type { CheckIn, Sale } from "./sale.js";
import { HELD_SCAN_MS } from "./settings.js";
import type { HeldScan, TillState } from "./till.js";
import { noChange, type Ctx } from "./transitions.js";

/**
 * Which sale a scan may pay for. The till's QR is printed on a sticker and shown on a screen, so
 * anyone can scan it at any time — from the queue, or from a photo at home — and a check-in can
 * reach the till late (queued at the broker through an outage). A scan is therefore used only
 * for a sale it can belong to (docs/architecture.md, "A scan before pay"):
 *
 * - it was made after that sale's basket arrived, and after the till's last payment ended (a
 *   scan from before belonged to that payment's customer);
 * - with a sale waiting for a customer, it is for that sale;
 * - with no sale being paid, it is held only for the basket the register sent last while that
 *   basket is still open, for at most HELD_SCAN_MS — the newest such scan wins — and `pay` for
 *   that basket uses it. Any other scan is dropped: it never waits for a customer who comes
 *   later.
 */
export function onCheckIn(till: TillState, checkIn: CheckIn, ctx: Ctx): Transition {
  if (!tokenIsFresh(checkIn, ctx) || madeBefore(checkIn, till.paymentEndedAt)) return noChange(till);
  const active = till.activeSaleId === undefined ? undefined : till.sales[till.activeSaleId];
  if (active === undefined) return hold(till, checkIn, ctx);
  if (active.phase.kind === "awaiting_customer" && !madeBefore(checkIn, active.createdAt))
    return onScanForSale(till, active, checkIn, ctx);
  // A scan while a payment is already requested (or for an older basket): the request stays with
  // the first customer, and the scan is dropped so it can never be used for someone else's basket.
  return noChange(till);
}

/** The held scan `pay` may use for `sale`, if any. */
export function heldScanFor(till: TillState, sale: Sale, ctx: Ctx): CheckIn | undefined {
  const held = till.held;
  if (held?.saleId !== sale.saleId || !heldIsFresh(held.checkIn, ctx)) return undefined;
  return held.checkIn;
}

function hold(till: TillState, checkIn: CheckIn, ctx: Ctx): Transition {
  const basket = till.lastBasket;
  if (basket === undefined || madeBefore(checkIn, basket.createdAt) || !heldIsFresh(checkIn, ctx))
    return noChange(till);
  const held: HeldScan = { saleId: basket.saleId, checkIn };
  return { till: { ...till, held }, effects: [], changed: [], tillChanged: true };
}

function heldIsFresh(checkIn: CheckIn, ctx: Ctx): boolean {
  return ctx.now - checkIn.initiatedAt <= HELD_SCAN_MS && tokenIsFresh(checkIn, ctx);
}

function madeBefore(checkIn: CheckIn, at: number | undefined): boolean {
  return at !== undefined && checkIn.initiatedAt < at;
}
