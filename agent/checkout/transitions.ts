import { heldSaleReceipt, orderReceiptEffects } from "./app-receipt.js";
import type { Acceptance, Effect, RefusalCode, Transition } from "./io.js";
import { idempotencyKey } from "./references.js";
import type { CheckoutSettings } from "./settings.js";
import type { Outcome, Phase, Sale } from "./sale.js";
import { withSale, type TillState } from "./till.js";
import { saleUpdate } from "./wire.js";

/** What every transition gets besides the state and the input. */
export interface Ctx {
  readonly now: number;
  readonly settings: CheckoutSettings;
}

export const ACCEPT: Acceptance = { ok: true };

export function refuse(till: TillState, code: RefusalCode, message: string): Transition {
  return { till, effects: [], acceptance: { ok: false, code, message }, changed: [] };
}

export function noChange(till: TillState, acceptance?: Acceptance): Transition {
  return acceptance === undefined
    ? { till, effects: [], changed: [] }
    : { till, effects: [], acceptance, changed: [] };
}

/** Stores the new version of a sale and returns the transition with its effects. */
export function commit(
  till: TillState,
  sale: Sale,
  effects: readonly Effect[],
  ctx: Ctx,
  acceptance?: Acceptance,
): Transition {
  const stamped = { ...sale, updatedAt: ctx.now };
  const next = withSale(till, stamped);
  return acceptance === undefined
    ? { till: next, effects, changed: [sale.saleId] }
    : { till: next, effects, acceptance, changed: [sale.saleId] };
}

/** A non-final update for the register: best effort, not re-sent. */
export function tell(sale: Sale): Effect {
  return { type: "notify_register", update: saleUpdate(sale), durable: false };
}

/**
 * Moves a sale to a new phase (not final) and tells the register when what it sees changed
 * (several internal phases share one protocol state, e.g. requested and capturing).
 */
export function advance(
  till: TillState,
  sale: Sale,
  phase: Phase,
  effects: readonly Effect[],
  ctx: Ctx,
  acceptance?: Acceptance,
): Transition {
  const next: Sale = { ...sale, phase };
  const before = till.sales[sale.saleId];
  const changed =
    before === undefined || JSON.stringify(saleUpdate(next)) !== JSON.stringify(saleUpdate(before));
  return commit(till, next, changed ? [...effects, tell(next)] : effects, ctx, acceptance);
}

/**
 * Ends a sale. The register is told durably (re-sent until acked, across restarts); a capture
 * also prints the receipt, signals the lights and emits the completed-sale event, and a captured
 * hold sends its final basket to the customer's app (app-receipt.ts).
 */
export function finish(
  till: TillState,
  sale: Sale,
  outcome: Outcome,
  ctx: Ctx,
  options: { acceptance?: Acceptance; cleanupReference?: string } = {},
): Transition {
  const captured = outcome.state === "captured";
  const { notice: _notice, ...rest } = sale;
  const orderReceipt = heldSaleReceipt(sale, outcome, ctx.settings);
  const next: Sale = {
    ...rest,
    phase: { kind: "final", outcome },
    ...(captured ? { receipt: { status: "queued", copies: sale.receipt.copies } } : {}),
    ...(options.cleanupReference === undefined ? {} : { cleanup: { reference: options.cleanupReference } }),
    ...(orderReceipt === undefined ? {} : { orderReceipt }),
  };
  const effects: Effect[] = [{ type: "notify_register", update: saleUpdate(next), durable: true }];
  if (captured) {
    effects.push({ type: "paid_signal" });
    effects.push({ type: "print_receipt", saleId: sale.saleId, kind: "sale", copy: false });
  }
  // The back office hears of every sale that reached Vipps, paid or not.
  if (captured || sale.attempts > 0)
    effects.push({ type: "sale_completed", sale: { ...next, updatedAt: ctx.now } });
  if (options.cleanupReference !== undefined)
    effects.push(...cleanupEffects(sale.saleId, options.cleanupReference));
  effects.push(...orderReceiptEffects(next));
  return commit(withoutSale(till, sale.saleId, ctx.now), next, effects, ctx, options.acceptance);
}

/**
 * The till once `saleId` has ended (or is held, hold.ts): no longer the sale being paid (its end is when scans from
 * before it stop counting, see scans.ts), nor the basket a scan is held for.
 */
export function withoutSale(till: TillState, saleId: string, now: number): TillState {
  const { activeSaleId, held, lastBasket, ...rest } = till;
  return {
    ...rest,
    ...(activeSaleId === saleId
      ? { paymentEndedAt: now }
      : activeSaleId === undefined
        ? {}
        : { activeSaleId }),
    ...(held === undefined || held.saleId === saleId ? {} : { held }),
    ...(lastBasket === undefined || lastBasket.saleId === saleId ? {} : { lastBasket }),
  };
}

/**
 * Release an authorized payment (cancel: what is not captured goes back to the customer). One
 * idempotency key per reference, so a resumed or repeated release is the same request.
 * `cleanup`: a payment the sale no longer uses (a second one for the same basket).
 */
export function releaseEffect(saleId: string, reference: string, cleanup = false): Effect {
  return {
    type: "vipps_cancel",
    saleId,
    reference,
    idempotencyKey: idempotencyKey(reference, "release"),
    transactionOnly: false,
    cleanup,
  };
}

export function cleanupEffects(saleId: string, reference: string): Effect[] {
  return [releaseEffect(saleId, reference, true)];
}

/** Withdraw a payment request that is not yet approved (cancelTransactionOnly: a race-free cancel). */
export function withdrawEffect(saleId: string, reference: string): Effect {
  return {
    type: "vipps_cancel",
    saleId,
    reference,
    idempotencyKey: idempotencyKey(reference, "cancel"),
    transactionOnly: true,
    cleanup: false,
  };
}
