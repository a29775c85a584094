/** The steps every kind of Vipps payment result shares: staleness, retries, capture and release. */
import type { Effect, Transition } from "./io.js";
import { captureKey } from "./references.js";
import type { Attempt, FailureReason, Outcome, Phase, Sale } from "./sale.js";
import { currentAttempt } from "./sale.js";
import type { TillState } from "./till.js";
import type { ApiResult } from "./io.js";
import { advance, commit, noChange, tell, releaseEffect, type Ctx } from "./transitions.js";
import { vippsAmount } from "./tenders.js";

/** The sale is in one of `kinds` and its current attempt is `reference` (else the input is stale). */
export function live(
  sale: Sale | undefined,
  reference: string,
  kinds: readonly Phase["kind"][],
): sale is Sale {
  return (
    sale !== undefined &&
    kinds.includes(sale.phase.kind) &&
    currentAttempt(sale.phase)?.reference === reference
  );
}

export function failedOrCancelled(
  cancelRequested: boolean,
  reason: FailureReason,
  reference: string,
): Outcome {
  return cancelRequested ? { state: "cancelled", reference } : { state: "failed", reason, reference };
}

export function capture(
  till: TillState,
  sale: Sale,
  attempt: Attempt,
  ctx: Ctx,
  pspReference?: string,
): Transition {
  const effect: Effect = {
    type: "vipps_capture",
    saleId: sale.saleId,
    reference: attempt.reference,
    idempotencyKey: captureKey(attempt),
    amount: { currency: sale.basket.currency, value: vippsAmount(sale) },
  };
  const withPsp = pspReference === undefined ? attempt : { ...attempt, pspReference };
  return advance(till, withoutNotice(sale), { kind: "capturing", attempt: withPsp }, [effect], ctx);
}

export function release(
  till: TillState,
  sale: Sale,
  attempt: Attempt,
  ctx: Ctx,
  then: Outcome & { state: "cancelled" | "failed" },
): Transition {
  const effect = releaseEffect(sale.saleId, attempt.reference);
  const outcome =
    then.state === "cancelled"
      ? { state: "cancelled" as const }
      : { state: "failed" as const, reason: then.reason };
  return advance(till, sale, { kind: "releasing", attempt, then: outcome }, [effect], ctx);
}

/** The customer approved while the cashier was cancelling: the configured policy decides. */
export function cancelLostRace(till: TillState, sale: Sale, attempt: Attempt, ctx: Ctx): Transition {
  return ctx.settings.cancelRace === "capture"
    ? capture(till, sale, attempt, ctx)
    : release(till, sale, attempt, ctx, { state: "cancelled", reference: attempt.reference });
}

export function later(sale: Sale, reference: string, timer: "poll" | "retry", delayMs: number): Effect {
  return { type: "schedule", saleId: sale.saleId, reference, timer, delayMs };
}

/** Vipps did not answer: say so to the register once, and try again later with the same key. */
export function unavailable(till: TillState, sale: Sale, reference: string, ctx: Ctx): Transition {
  const retry = later(sale, reference, "retry", ctx.settings.retryDelayMs);
  if (sale.notice === "VIPPS_UNAVAILABLE") return { till, effects: [retry], changed: [] };
  const noticed: Sale = { ...sale, notice: "VIPPS_UNAVAILABLE" };
  return commit(till, noticed, [retry, tell(noticed)], ctx);
}

export function withoutNotice(sale: Sale): Sale {
  const { notice: _notice, ...rest } = sale;
  return rest;
}

/**
 * The answer to a request a sale keeps going after it ended (`cleanup`: releasing an unwanted
 * payment; `orderReceipt`: the app receipt of a captured hold), named by its reference in that
 * field. No answer: asked again later, the same request. Any answer ends it: the field goes.
 */
export function onFollowUpResult(
  till: TillState,
  saleId: string,
  reference: string,
  result: ApiResult<void>,
  field: "cleanup" | "orderReceipt",
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale?.[field]?.reference !== reference) return noChange(till);
  if (!result.ok && result.failure === "unavailable") {
    return { till, effects: [later(sale, reference, "retry", ctx.settings.retryDelayMs)], changed: [] };
  }
  const ended: { -readonly [K in keyof Sale]: Sale[K] } = { ...sale };
  delete ended[field];
  return commit(till, ended, [], ctx);
}
