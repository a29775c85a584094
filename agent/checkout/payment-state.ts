/** What Vipps says a payment is: its webhooks, the answers to our GETs, and what either means for a sale. */
import type { ApiResult, PaymentEventInput, PaymentSnapshot, Transition } from "./io.js";
import { isPerSaleQr, onPerSaleExpired, onRenewed } from "./per-sale-qr.js";
import { holdAuthorized } from "./hold.js";
import type { Outcome, Phase, Sale } from "./sale.js";
import { currentAttempt } from "./sale.js";
import type { TillState } from "./till.js";
import { commit, finish, noChange, tell, type Ctx } from "./transitions.js";
import { vippsAmount } from "./tenders.js";
import {
  cancelLostRace,
  capture,
  failedOrCancelled,
  later,
  live,
  unavailable,
  withoutNotice,
} from "./result-steps.js";

/** The sale whose current attempt has this reference. */
function saleOf(till: TillState, reference: string): Sale | undefined {
  return Object.values(till.sales).find((s) => currentAttempt(s.phase)?.reference === reference);
}

/** What a payment's state at Vipps means for a sale that is waiting for the customer. */
function onPaymentState(till: TillState, sale: Sale, snapshot: PaymentSnapshot, ctx: Ctx): Transition {
  const phase = sale.phase;
  if (phase.kind !== "requested" && phase.kind !== "creating" && phase.kind !== "cancelling")
    return noChange(till);
  const attempt = phase.attempt;
  const cancelRequested = phase.kind === "cancelling" || phase.cancelRequested;
  const psp = snapshot.pspReference;
  switch (snapshot.state) {
    case "CREATED":
      return noChange(till);
    case "AUTHORIZED":
      if (snapshot.capturedAmount >= vippsAmount(sale)) {
        // Captured before a crash lost the answer: the truth is Vipps' aggregate.
        return finish(
          till,
          sale,
          {
            state: "captured",
            reference: attempt.reference,
            capturedAmount: snapshot.capturedAmount,
            ...(psp ? { pspReference: psp } : {}),
          },
          ctx,
        );
      }
      if (phase.kind === "cancelling") return noChange(till);
      if (cancelRequested) return cancelLostRace(till, sale, attempt, ctx);
      return sale.hold === undefined
        ? capture(till, sale, attempt, ctx, psp)
        : holdAuthorized(till, sale, attempt, ctx, snapshot);
    case "EXPIRED":
      // A per-sale QR nobody scanned in time: the basket waits for a new one.
      if (!cancelRequested && isPerSaleQr(attempt)) return onPerSaleExpired(till, sale, ctx);
      return finish(till, sale, failedOrCancelled(cancelRequested, snapshot.state, attempt.reference), ctx);
    case "ABORTED":
    case "TERMINATED":
      if (phase.kind === "cancelling" && phase.renew === true && snapshot.state === "TERMINATED")
        return onRenewed(till, sale, ctx);
      return finish(till, sale, failedOrCancelled(cancelRequested, snapshot.state, attempt.reference), ctx);
  }
}

export function onPaymentEvent(till: TillState, event: PaymentEventInput, ctx: Ctx): Transition {
  const sale = saleOf(till, event.reference);
  if (sale === undefined || !event.success) return noChange(till);
  switch (event.name) {
    case "AUTHORIZED":
      // A hold moves no money now, but the register may hand over goods on `held`: Vipps itself
      // must confirm it (any till of the MSN can sign a webhook), and its answer has the deadline.
      if (sale.hold !== undefined)
        return sale.phase.kind === "requested"
          ? {
              till,
              effects: [
                { type: "vipps_get", saleId: sale.saleId, reference: event.reference, confirmsEvent: true },
              ],
              changed: [],
            }
          : noChange(till);
      // Acted on without a GET (two calls per sale): a forged one moves no money, because Vipps
      // refuses to capture a payment that is not authorized, and that refusal sends the sale
      // back to waiting for the customer (see onCaptureResult).
      return onPaymentState(
        till,
        sale,
        {
          state: event.name,
          authorizedAmount: event.amount.value,
          capturedAmount: 0,
          cancelledAmount: 0,
          refundedAmount: 0,
          pspReference: event.pspReference,
        },
        ctx,
      );
    case "ABORTED":
    case "EXPIRED":
    case "TERMINATED":
      // Every till of the MSN holds the MSN's webhook secret, so one compromised till can sign
      // these for another: a sale only ends on what Vipps itself says (docs/vipps-api.md §5.2).
      // While the create or a cancel is in flight, its answer leads to a GET anyway.
      if (sale.phase.kind !== "requested") return noChange(till);
      return {
        till,
        effects: [
          { type: "vipps_get", saleId: sale.saleId, reference: event.reference, confirmsEvent: true },
        ],
        changed: [],
      };
    case "CREATED":
    case "CANCELLED":
    case "CAPTURED":
    case "REFUNDED":
      // Our own requests' answers drive these; the events only confirm them.
      return noChange(till);
  }
}

/**
 * A GET's answer. `confirmsEvent`: it checks a failure webhook; the sale's own poll chain (or
 * retry) is already running, so this answer never schedules another one.
 */
export function onPollResult(
  till: TillState,
  saleId: string,
  reference: string,
  result: ApiResult<PaymentSnapshot>,
  ctx: Ctx,
  confirmsEvent = false,
): Transition {
  const found = till.sales[saleId];
  if (!live(found, reference, confirmsEvent ? ["requested"] : ["requested", "releasing"]))
    return noChange(till);
  if (!result.ok) {
    if (confirmsEvent) return noChange(till);
    if (result.failure === "unavailable") return unavailable(till, found, reference, ctx);
    return { till, effects: [later(found, reference, "poll", ctx.settings.pollIntervalMs)], changed: [] };
  }
  const sale = withoutNotice(found);
  const snapshot = result.value;
  if (found.phase.kind === "releasing") return onReleaseChecked(till, sale, found.phase, snapshot, ctx);
  const next = onPaymentState(till, sale, snapshot, ctx);
  if (next.changed.length > 0) return next;
  // Still CREATED: poll again (docs/vipps-api.md §1.6: 2 s keeps far inside 120 GETs a minute).
  const poll = confirmsEvent ? [] : [later(sale, reference, "poll", ctx.settings.pollIntervalMs)];
  return found.notice === undefined
    ? { till, effects: poll, changed: [] }
    : commit(till, sale, [...poll, tell(sale)], ctx);
}

/** A release was refused; the payment's state at Vipps says what really happened. */
function onReleaseChecked(
  till: TillState,
  sale: Sale,
  phase: Phase & { kind: "releasing" },
  snapshot: PaymentSnapshot,
  ctx: Ctx,
): Transition {
  if (snapshot.capturedAmount > 0) {
    return finish(
      till,
      sale,
      { state: "captured", reference: phase.attempt.reference, capturedAmount: snapshot.capturedAmount },
      ctx,
    );
  }
  const then: Outcome =
    phase.then.state === "cancelled"
      ? { state: "cancelled", reference: phase.attempt.reference }
      : { state: "failed", reason: phase.then.reason, reference: phase.attempt.reference };
  if (snapshot.state !== "AUTHORIZED" || snapshot.cancelledAmount >= snapshot.authorizedAmount)
    return finish(till, sale, then, ctx);
  return {
    till,
    effects: [later(sale, phase.attempt.reference, "retry", ctx.settings.retryDelayMs)],
    changed: [],
  };
}
