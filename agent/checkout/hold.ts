import type { Currency } from "../../lib/money.js";
import type { Effect, PaymentSnapshot, Transition } from "./io.js";
import { captureKey } from "./references.js";
import type { Attempt, Basket, Sale } from "./sale.js";
import { saleVat } from "./vat.js";
import type { TillState } from "./till.js";
import {
  ACCEPT,
  advance,
  commit,
  noChange,
  refuse,
  tell,
  withoutSale,
  releaseEffect,
  type Ctx,
} from "./transitions.js";

/**
 * Hold now, capture later (docs/register-protocol.md §7.13): a `pay` with `hold` is authorized
 * only. The sale then waits in `held` — the till is free for the next customer — until the
 * register sends `capture` with the final amount (at most what was authorized; Vipps releases the
 * rest when the agent cancels the payment after a partial capture) or `release`, or until the
 * hold's deadline, where the configured action is taken.
 *
 * Vipps MobilePay guarantees a capture only for a while after authorization: 180 days in Norway,
 * 14 days in Denmark and Finland (unless the merchant has "late capture"). Its answer may say so
 * itself (`captureGuaranteedUntil`), which wins.
 * https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/operations/capture/
 */
export const CAPTURE_GUARANTEE_DAYS: Readonly<Record<Currency, number>> = { NOK: 180, DKK: 14, EUR: 14 };

const DAY_MS = 86_400_000;

/**
 * The deadline's action is taken this long before the guarantee ends, so a Vipps that does not
 * answer at once (the request is retried with the same key) still gets it in time.
 */
export const HOLD_ACTION_MARGIN_MS = 6 * 3_600_000;

/** When Vipps stops guaranteeing the capture of a payment authorized `now`. */
function holdDeadline(currency: Currency, snapshot: PaymentSnapshot | undefined, now: number): number {
  return snapshot?.captureGuaranteedUntil ?? now + CAPTURE_GUARANTEE_DAYS[currency] * DAY_MS;
}

/** When the till acts on a held sale: the configured action, `HOLD_ACTION_MARGIN_MS` early. */
export function holdActionAt(sale: Sale): number | undefined {
  return sale.hold?.until === undefined ? undefined : sale.hold.until - HOLD_ACTION_MARGIN_MS;
}

/** When the register and the technician are warned about a held sale. */
export function holdWarnAt(sale: Sale, holdWarnMs: number): number | undefined {
  const act = holdActionAt(sale);
  return act === undefined ? undefined : act - holdWarnMs;
}

/**
 * Vipps authorized a payment that the register asked to hold: keep it, tell the register, and
 * free the till for the next sale. Nothing is captured.
 */
export function holdAuthorized(
  till: TillState,
  sale: Sale,
  attempt: Attempt,
  ctx: Ctx,
  snapshot: PaymentSnapshot,
): Transition {
  const { notice: _notice, ...rest } = sale;
  const held: Sale = {
    ...rest,
    hold: {
      since: ctx.now,
      authorizedAmount: snapshot.authorizedAmount,
      until: holdDeadline(sale.basket.currency, snapshot, ctx.now),
    },
  };
  const withPsp = snapshot.pspReference ? { ...attempt, pspReference: snapshot.pspReference } : attempt;
  const next: Sale = { ...held, phase: { kind: "held", attempt: withPsp }, updatedAt: ctx.now };
  // The back office hears of the open hold (`sale.held`); its end follows as for any sale.
  return advance(
    withoutSale(till, sale.saleId, ctx.now),
    held,
    next.phase,
    [{ type: "sale_completed", sale: next }],
    ctx,
  );
}

/** The register's `capture`: the final amount, equal to the sale's (possibly new) basket total. */
export function onCaptureHeld(till: TillState, saleId: string, total: number, ctx: Ctx): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined) return refuse(till, "UNKNOWN_SALE", `no sale ${saleId}`);
  if (sale.phase.kind !== "held") return refuse(till, "NOT_HELD", notHeld(sale));
  const authorized = sale.hold?.authorizedAmount ?? sale.basket.total;
  if (total > authorized)
    return refuse(till, "HOLD_EXCEEDED", `capture ${total} is more than the ${authorized} authorized`);
  if (total !== sale.basket.total)
    return refuse(
      till,
      "BASKET_TOTAL_MISMATCH",
      `capture total ${total} differs from the basket total ${sale.basket.total}: send the final basket first`,
    );
  return captureHeld(till, sale, sale.phase.attempt, ctx, true);
}

/** The register's `release` (or `cancel`) of a held sale: all the authorized money goes back. */
export function onReleaseHeld(till: TillState, saleId: string, ctx: Ctx): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined) return refuse(till, "UNKNOWN_SALE", `no sale ${saleId}`);
  if (sale.phase.kind !== "held") return refuse(till, "NOT_HELD", notHeld(sale));
  return releaseHeld(till, sale, sale.phase.attempt, ctx, true);
}

/**
 * A `basket` for a held sale: the final lines (a lower fuel amount, the minibar added within the
 * authorized amount). The receipt and every report then use it; more than was authorized is refused.
 */
export function onHeldBasket(till: TillState, sale: Sale, basket: Basket, ctx: Ctx): Transition {
  const authorized = sale.hold?.authorizedAmount ?? sale.basket.total;
  if (basket.total > authorized)
    return refuse(
      till,
      "HOLD_EXCEEDED",
      `basket total ${basket.total} is more than the ${authorized} authorized`,
    );
  return commit(till, { ...sale, basket, vat: saleVat(basket.lines) }, [], ctx, ACCEPT);
}

/**
 * The hold sweep found these held sales near or at their deadline (by the runner's clock); each
 * is checked again here against `now`. Near: the register hears `held` with `HOLD_EXPIRING`
 * once. Due: the configured action — capture of the held basket, or release (the default).
 */
export function onHoldDeadline(till: TillState, saleIds: readonly string[], ctx: Ctx): Transition {
  let state = till;
  const effects: Effect[] = [];
  const changed: string[] = [];
  for (const saleId of saleIds) {
    const sale = state.sales[saleId];
    if (sale === undefined || sale.phase.kind !== "held") continue;
    const actAt = holdActionAt(sale);
    const warnAt = holdWarnAt(sale, ctx.settings.holdWarnMs);
    if (actAt === undefined || warnAt === undefined) continue;
    let t: Transition | undefined;
    if (ctx.now >= actAt) {
      t =
        ctx.settings.holdDeadlineAction === "capture"
          ? captureHeld(state, sale, sale.phase.attempt, ctx, false)
          : releaseHeld(state, sale, sale.phase.attempt, ctx, false);
    } else if (ctx.now >= warnAt && sale.hold?.warned !== true) {
      const warned: Sale = { ...sale, hold: { ...sale.hold, warned: true }, notice: "HOLD_EXPIRING" };
      t = commit(state, warned, [tell(warned)], ctx);
    }
    if (t === undefined) continue;
    state = t.till;
    effects.push(...t.effects);
    changed.push(...t.changed);
  }
  return changed.length === 0 ? noChange(till) : { till: state, effects, changed };
}

function captureHeld(till: TillState, sale: Sale, attempt: Attempt, ctx: Ctx, asked: boolean): Transition {
  const effect: Effect = {
    type: "vipps_capture",
    saleId: sale.saleId,
    reference: attempt.reference,
    idempotencyKey: captureKey(attempt),
    amount: { currency: sale.basket.currency, value: sale.basket.total },
  };
  const { notice: _notice, ...rest } = sale;
  return advance(till, rest, { kind: "capturing", attempt }, [effect], ctx, asked ? ACCEPT : undefined);
}

function releaseHeld(till: TillState, sale: Sale, attempt: Attempt, ctx: Ctx, asked: boolean): Transition {
  const effect = releaseEffect(sale.saleId, attempt.reference);
  const { notice: _notice, ...rest } = sale;
  return advance(
    till,
    rest,
    { kind: "releasing", attempt, then: { state: "cancelled" } },
    [effect],
    ctx,
    asked ? ACCEPT : undefined,
  );
}

/** What a captured hold leaves to release: the authorized amount not captured. */
export function heldRemainder(sale: Sale, captured: number): number {
  const authorized = sale.hold?.authorizedAmount;
  return authorized === undefined ? 0 : Math.max(0, authorized - captured);
}

function notHeld(sale: Sale): string {
  return sale.hold === undefined
    ? `sale ${sale.saleId} was not paid with hold`
    : `sale ${sale.saleId} is not an open hold (it is ${sale.phase.kind === "final" ? "finished" : "being paid"})`;
}
