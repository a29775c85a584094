/** The answers to cancelling a payment at Vipps: a cashier's cancel, a QR renewal, a release, a cleanup. */
import type { ApiResult, PaymentSnapshot, Transition } from "./io.js";
import { onRenewed } from "./per-sale-qr.js";
import type { Attempt, Outcome, Sale } from "./sale.js";
import type { TillState } from "./till.js";
import { commit, finish, noChange, type Ctx } from "./transitions.js";
import {
  cancelLostRace,
  capture,
  live,
  onFollowUpResult,
  unavailable,
  withoutNotice,
} from "./result-steps.js";

/** Vipps' error code when `cancelTransactionOnly` meets an already authorized payment. */
const ALREADY_AUTHORIZED = "6060";

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
  // Done, or refused (404: it was never created) — either way nothing is left to release.
  return onFollowUpResult(till, saleId, reference, result, "cleanup", ctx);
}
