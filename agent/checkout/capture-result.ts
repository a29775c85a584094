/** The answer to capturing a payment at Vipps. */
import type { ApiResult, Effect, Transition } from "./io.js";
import { heldRemainder } from "./hold.js";
import type { Phase } from "./sale.js";
import type { TillState } from "./till.js";
import { advance, finish, noChange, type Ctx } from "./transitions.js";
import { live, release, unavailable, withoutNotice } from "./result-steps.js";

/** ePayment's "cannot capture before reservation" (docs/vipps-api.md §6.5). */
const NOT_YET_AUTHORIZED = "6080";

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
