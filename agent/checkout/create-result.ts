/** The answer to creating a payment request at Vipps. */
import { CUSTOMER_CANNOT_PAY } from "./age-limit.js";
import type { ApiResult, CreateAnswer, Transition } from "./io.js";
import { isPerSaleQr, usableQrUrl } from "./per-sale-qr.js";
import { waitForScan } from "./customer-wait.js";
import type { Attempt, Outcome, Sale } from "./sale.js";
import type { TillState } from "./till.js";
import { advance, finish, noChange, withdrawEffect, type Ctx } from "./transitions.js";
import { failedOrCancelled, later, live, withoutNotice } from "./result-steps.js";

/** ePayment create: invalid or expired customer token. */
const INVALID_CUSTOMER_TOKEN = "4050";

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
  /** Ends the sale unpaid and makes sure, in the background, that the payment is never captured. */
  const endAndRelease = (): Transition =>
    endWithout(
      till,
      sale,
      attempt,
      failedOrCancelled(cancelRequested, "VIPPS_UNAVAILABLE", reference),
      ctx,
      true,
    );
  if (result.ok && isPerSaleQr(attempt) && qrUrl === undefined) {
    // Created, but with nothing the customer could scan: it must never be paid.
    return endAndRelease();
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
    return endAndRelease();
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
