/** The steps every kind of Vipps payment result shares: staleness, retries, capture and release. */
import type { Effect, Transition } from "./io.js";
import { captureKey } from "./references.js";
import type { Attempt, FailureReason, Outcome, Phase, Sale } from "./sale.js";
import { currentAttempt } from "./sale.js";
import type { TillState } from "./till.js";
import { advance, commit, tell, releaseEffect, type Ctx } from "./transitions.js";
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
