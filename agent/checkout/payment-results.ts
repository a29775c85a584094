import { CUSTOMER_CANNOT_PAY } from "./age-limit.js";
import type {
  ApiResult,
  CreateAnswer,
  Effect,
  PaymentEventInput,
  PaymentSnapshot,
  TimerName,
  Transition,
} from "./io.js";
import { isPerSaleQr, onPerSaleExpired, onRenewed, usableQrUrl } from "./per-sale-qr.js";
import { captureKey } from "./references.js";
import { onScanWaitTimer, waitForScan } from "./customer-wait.js";
import { onLoyaltyTimer, onTokenDeadline } from "./loyalty.js";
import { resumeEffects } from "./resume.js";
import { heldRemainder, holdAuthorized } from "./hold.js";
import type { Attempt, FailureReason, Outcome, Phase, Sale } from "./sale.js";
import { currentAttempt } from "./sale.js";
import type { TillState } from "./till.js";
import {
  advance,
  commit,
  finish,
  noChange,
  tell,
  withdrawEffect,
  releaseEffect,
  type Ctx,
} from "./transitions.js";
import { vippsAmount } from "./tenders.js";

/** Vipps' error code when `cancelTransactionOnly` meets an already authorized payment. */
const ALREADY_AUTHORIZED = "6060";
/** ePayment's "cannot capture before reservation" (docs/vipps-api.md §6.5). */
const NOT_YET_AUTHORIZED = "6080";
/** ePayment create: invalid or expired customer token. */
const INVALID_CUSTOMER_TOKEN = "4050";

/** The sale whose current attempt has this reference. */
function saleOf(till: TillState, reference: string): Sale | undefined {
  return Object.values(till.sales).find((s) => currentAttempt(s.phase)?.reference === reference);
}

/** The sale is in one of `kinds` and its current attempt is `reference` (else the input is stale). */
function live(sale: Sale | undefined, reference: string, kinds: readonly Phase["kind"][]): sale is Sale {
  return (
    sale !== undefined &&
    kinds.includes(sale.phase.kind) &&
    currentAttempt(sale.phase)?.reference === reference
  );
}

/** A failed or cancelled end for a payment that may still exist at Vipps. */
function endWithout(
  till: TillState,
  sale: Sale,
  attempt: Attempt,
  outcome: Outcome,
  ctx: Ctx,
  cleanup: boolean,
): Transition {
  return finish(till, sale, outcome, ctx, cleanup ? { cleanupReference: attempt.reference } : {});
}

function failedOrCancelled(cancelRequested: boolean, reason: FailureReason, reference: string): Outcome {
  return cancelRequested ? { state: "cancelled", reference } : { state: "failed", reason, reference };
}

function capture(till: TillState, sale: Sale, attempt: Attempt, ctx: Ctx, pspReference?: string): Transition {
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

function release(
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
function cancelLostRace(till: TillState, sale: Sale, attempt: Attempt, ctx: Ctx): Transition {
  return ctx.settings.cancelRace === "capture"
    ? capture(till, sale, attempt, ctx)
    : release(till, sale, attempt, ctx, { state: "cancelled", reference: attempt.reference });
}

function later(sale: Sale, reference: string, timer: "poll" | "retry", delayMs: number): Effect {
  return { type: "schedule", saleId: sale.saleId, reference, timer, delayMs };
}

/** Vipps did not answer: say so to the register once, and try again later with the same key. */
function unavailable(till: TillState, sale: Sale, reference: string, ctx: Ctx): Transition {
  const retry = later(sale, reference, "retry", ctx.settings.retryDelayMs);
  if (sale.notice === "VIPPS_UNAVAILABLE") return { till, effects: [retry], changed: [] };
  const noticed: Sale = { ...sale, notice: "VIPPS_UNAVAILABLE" };
  return commit(till, noticed, [retry, tell(noticed)], ctx);
}

function withoutNotice(sale: Sale): Sale {
  const { notice: _notice, ...rest } = sale;
  return rest;
}

export function onCreateResult(
  till: TillState,
  saleId: string,
  reference: string,
  result: ApiResult<CreateAnswer>,
  ctx: Ctx,
): Transition {
  const found = till.sales[saleId];
  if (!live(found, reference, ["creating"]) || found.phase.kind !== "creating") return noChange(till);
  const sale = withoutNotice(found);
  const { attempt, cancelRequested } = found.phase;
  const qrUrl = result.ok && isPerSaleQr(attempt) ? usableQrUrl(result.value) : undefined;
  if (result.ok && isPerSaleQr(attempt) && qrUrl === undefined) {
    // Created, but with nothing the customer could scan: it must never be paid.
    return endWithout(
      till,
      sale,
      attempt,
      failedOrCancelled(cancelRequested, "VIPPS_UNAVAILABLE", reference),
      ctx,
      true,
    );
  }
  if (result.ok) {
    const requested: Attempt = {
      ...attempt,
      requestedAt: ctx.now,
      ...(qrUrl === undefined ? {} : { qrUrl }),
    };
    if (cancelRequested) {
      const cancel = withdrawEffect(saleId, reference);
      return advance(till, sale, { kind: "cancelling", attempt: requested }, [cancel], ctx);
    }
    const poll = later(sale, reference, "poll", ctx.settings.webhookGraceMs);
    return advance(
      till,
      sale,
      { kind: "requested", attempt: requested, cancelRequested: false },
      [poll],
      ctx,
    );
  }
  if (result.failure === "unavailable") {
    // Unknown whether Vipps created it: end the sale now (the customer is waiting at the
    // counter) and make sure in the background that the payment can never be captured.
    return endWithout(
      till,
      sale,
      attempt,
      failedOrCancelled(cancelRequested, "VIPPS_UNAVAILABLE", reference),
      ctx,
      true,
    );
  }
  if (result.code === INVALID_CUSTOMER_TOKEN && !cancelRequested)
    return waitForScan(till, sale, ctx, { notice: "TOKEN_EXPIRED" });
  // As precise as Vipps lets us be: below the age, or unable to pay at all (age-limit.ts).
  const refused =
    result.code === CUSTOMER_CANNOT_PAY && attempt.createBody.minimumUserAge !== undefined
      ? "AGE_NOT_VERIFIED"
      : "PAYMENT_REFUSED";
  return endWithout(till, sale, attempt, failedOrCancelled(cancelRequested, refused, reference), ctx, false);
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

export function onCaptureResult(
  till: TillState,
  saleId: string,
  reference: string,
  result: ApiResult<{ capturedAmount: number; pspReference?: string }>,
  ctx: Ctx,
): Transition {
  const found = till.sales[saleId];
  if (!live(found, reference, ["capturing"]) || found.phase.kind !== "capturing") return noChange(till);
  const attempt = found.phase.attempt;
  if (result.ok) {
    const psp = result.value.pspReference ?? attempt.pspReference;
    // A hold captured for less than was authorized: the rest is released in the background
    // (a cancel after a capture releases what is not captured; docs/vipps-api.md §6.5).
    const rest = heldRemainder(found, result.value.capturedAmount) > 0 ? { cleanupReference: reference } : {};
    return finish(
      till,
      found,
      {
        state: "captured",
        reference,
        capturedAmount: result.value.capturedAmount,
        ...(psp ? { pspReference: psp } : {}),
      },
      ctx,
      rest,
    );
  }
  if (result.failure === "unavailable") return unavailable(till, found, reference, ctx);
  if (result.code === NOT_YET_AUTHORIZED) {
    // Vipps has not authorized it: the AUTHORIZED webhook that led here was wrong — any till of
    // the MSN can sign one. Releasing now would cancel the request the customer may still
    // approve, so the sale goes back to waiting and asks Vipps itself (which also restarts the
    // poll chain the capture interrupted).
    const ask: Effect = { type: "vipps_get", saleId, reference };
    const next = { ...attempt, captureRound: (attempt.captureRound ?? 1) + 1 };
    const phase: Phase = { kind: "requested", attempt: next, cancelRequested: false };
    return advance(till, withoutNotice(found), phase, [ask], ctx);
  }
  // A definite no: give the reserved money back and tell the register the capture failed.
  return release(till, withoutNotice(found), attempt, ctx, {
    state: "failed",
    reason: "CAPTURE_FAILED",
    reference,
  });
}

export function onCancelResult(
  till: TillState,
  saleId: string,
  reference: string,
  transactionOnly: boolean,
  result: ApiResult<PaymentSnapshot>,
  ctx: Ctx,
): Transition {
  const found = till.sales[saleId];
  const kind = transactionOnly ? "cancelling" : "releasing";
  if (!live(found, reference, [kind])) return noChange(till);
  const phase = found.phase;
  if (phase.kind !== "cancelling" && phase.kind !== "releasing") return noChange(till);
  if (!result.ok && result.failure === "unavailable") return unavailable(till, found, reference, ctx);
  const sale = withoutNotice(found);
  if (phase.kind === "releasing") {
    if (result.ok) {
      const then: Outcome =
        phase.then.state === "cancelled"
          ? { state: "cancelled", reference }
          : { state: "failed", reason: phase.then.reason, reference };
      return finish(till, sale, then, ctx);
    }
    // Refused (e.g. 6040, captured money cannot be cancelled): find out what is true.
    return commit(till, sale, [{ type: "vipps_get", saleId, reference }], ctx);
  }
  if (phase.renew === true) return onRenewalAnswer(till, sale, phase.attempt, result, ctx);
  if (result.ok) {
    if (result.value.state === "AUTHORIZED") return cancelLostRace(till, sale, phase.attempt, ctx);
    return finish(till, sale, { state: "cancelled", reference }, ctx);
  }
  if (result.code === ALREADY_AUTHORIZED) return cancelLostRace(till, sale, phase.attempt, ctx);
  // Any other refusal: the payment has most likely ended on its own; ask Vipps.
  const checking: Sale = {
    ...sale,
    phase: { kind: "requested", attempt: phase.attempt, cancelRequested: true },
  };
  return commit(till, checking, [{ type: "vipps_get", saleId, reference }], ctx);
}

/**
 * The withdrawal of a per-sale QR the cashier asked to renew. Withdrawn: the new QR. The customer
 * approved meanwhile (6060): a per-sale QR pays only this basket, so that payment is captured.
 * Anything else: Vipps is asked what holds, and the sale follows it (an expired QR waits again).
 */
function onRenewalAnswer(
  till: TillState,
  sale: Sale,
  attempt: Attempt,
  result: ApiResult<PaymentSnapshot>,
  ctx: Ctx,
): Transition {
  if (result.ok && result.value.state === "TERMINATED") return onRenewed(till, sale, ctx);
  if (
    (result.ok && result.value.state === "AUTHORIZED") ||
    (!result.ok && result.failure === "refused" && result.code === ALREADY_AUTHORIZED)
  )
    return capture(till, sale, attempt, ctx);
  const checking: Sale = { ...sale, phase: { kind: "requested", attempt, cancelRequested: false } };
  return commit(
    till,
    checking,
    [{ type: "vipps_get", saleId: sale.saleId, reference: attempt.reference }],
    ctx,
  );
}

export function onCleanupResult(
  till: TillState,
  saleId: string,
  reference: string,
  result: ApiResult<void>,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale?.cleanup?.reference !== reference) return noChange(till);
  if (!result.ok && result.failure === "unavailable") {
    return { till, effects: [later(sale, reference, "retry", ctx.settings.retryDelayMs)], changed: [] };
  }
  // Done, or refused (404: it was never created) — either way nothing is left to release.
  const { cleanup: _done, ...rest } = sale;
  return commit(till, rest, [], ctx);
}

export function onTimer(
  till: TillState,
  saleId: string,
  reference: string,
  timer: TimerName,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined) return noChange(till);
  if (timer === "loyalty") return onLoyaltyTimer(till, sale, ctx);
  if (timer === "token_deadline") return onTokenDeadline(till, sale, ctx);
  if (timer === "scan_wait") return onScanWaitTimer(till, sale, ctx);
  const attempt = currentAttempt(sale.phase);
  const matches =
    attempt?.reference === reference || sale.cleanup?.reference === reference || sale.phase.kind === "final";
  if (!matches) return noChange(till);
  if (timer === "poll" && sale.phase.kind !== "requested") return noChange(till);
  return { till, effects: resumeEffects(sale, { includeReceipts: false }), changed: [] };
}
