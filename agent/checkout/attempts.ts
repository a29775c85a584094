import { createPaymentBody } from "./create-body.js";
import type { Acceptance, Effect, Transition } from "./io.js";
import { idempotencyKey, paymentReference } from "./references.js";
import type { Attempt, CheckIn, PaymentCustomer, Sale } from "./sale.js";
import { waitForScan } from "./customer-wait.js";
import { CHECKIN_CLOCK_SKEW_MS, TOKEN_SAFETY_MARGIN_MS } from "./settings.js";
import type { TillState } from "./till.js";
import { advance, type Ctx } from "./transitions.js";

/**
 * A scanned token can still be used: it will not expire while the create request is in transit,
 * and its scan time is not further in the future than clocks can disagree.
 */
export function tokenIsFresh(checkIn: CheckIn, ctx: Ctx): boolean {
  const age = ctx.now - checkIn.initiatedAt;
  return age >= -CHECKIN_CLOCK_SKEW_MS && age <= ctx.settings.checkinMaxAgeMs - TOKEN_SAFETY_MARGIN_MS;
}

/**
 * A customer scanned for a sale that is waiting: a new attempt with its own reference, and the
 * create request (whose body and key are journalled with this transition, before it is sent).
 */
export function startAttempt(
  till: TillState,
  sale: Sale,
  checkIn: CheckIn,
  ctx: Ctx,
  acceptance?: Acceptance,
): Transition {
  if (!tokenIsFresh(checkIn, ctx))
    return waitForScan(till, sale, ctx, { notice: "TOKEN_EXPIRED", ...(acceptance ? { acceptance } : {}) });
  return beginAttempt(till, sale, { customerToken: checkIn.customerToken }, ctx, acceptance);
}

/**
 * A new attempt with its own reference, and the create request (whose body and key are
 * journalled with this transition, before it is sent): pushed to `customer`, or — without one —
 * a per-sale QR (create-body.ts).
 */
export function beginAttempt(
  till: TillState,
  sale: Sale,
  customer: PaymentCustomer | undefined,
  ctx: Ctx,
  acceptance?: Acceptance,
): Transition {
  const n = sale.attempts + 1;
  const reference = paymentReference(ctx.settings.tillId, sale.referenceBase, n);
  const attempt: Attempt = {
    n,
    reference,
    createBody: createPaymentBody(sale, reference, customer, ctx.settings),
    createdAt: ctx.now,
  };
  const create: Effect = {
    type: "vipps_create",
    saleId: sale.saleId,
    reference,
    idempotencyKey: idempotencyKey(reference, "create"),
    body: attempt.createBody,
  };
  const { notice: _notice, ...rest } = sale;
  return advance(
    till,
    { ...rest, attempts: n },
    { kind: "creating", attempt, cancelRequested: false },
    [create],
    ctx,
    acceptance,
  );
}
