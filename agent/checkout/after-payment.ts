import type { ApiResult, Effect, Transition } from "./io.js";
import { later, onFollowUpResult } from "./result-steps.js";
import type { Refund, Sale } from "./sale.js";
import type { TillState } from "./till.js";
import { commit, noChange, type Ctx } from "./transitions.js";
import { saleUpdate } from "./wire.js";

/**
 * Refund answers, the app's receipt of a captured hold and receipt printing: what happens to a
 * sale after its money was captured.
 */

export function onRefundResult(
  till: TillState,
  saleId: string,
  refundId: string,
  result: ApiResult<{ pspReference?: string }>,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  const refund = sale?.refunds.find((r) => r.refundId === refundId);
  if (sale === undefined || refund?.status !== "requested" || sale.phase.kind !== "final")
    return noChange(till);
  if (!result.ok && result.failure === "unavailable") {
    const reference = sale.phase.outcome.reference ?? "";
    return { till, effects: [later(sale, reference, "retry", ctx.settings.retryDelayMs)], changed: [] };
  }
  const settled: Refund = result.ok
    ? {
        ...refund,
        status: "done",
        ...(result.value.pspReference ? { pspReference: result.value.pspReference } : {}),
      }
    : { ...refund, status: "failed" };
  const next: Sale = { ...sale, refunds: sale.refunds.map((r) => (r.refundId === refundId ? settled : r)) };
  const update = result.ok
    ? { ...saleUpdate(next), refundId }
    : { ...saleUpdate(next), refundId, reason: "REFUND_FAILED" as const };
  const effects: Effect[] = [{ type: "notify_register", update, durable: true }];
  if (result.ok) {
    effects.push({ type: "print_receipt", saleId, kind: "refund", copy: false, refundId });
    effects.push({ type: "sale_completed", sale: { ...next, updatedAt: ctx.now } });
  }
  return commit(till, next, effects, ctx);
}

/** Journalled right before the receipt's bytes go to the printer (see resume.ts on COPY). */
export function onReceiptStarted(till: TillState, saleId: string, ctx: Ctx): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined || sale.receipt.status === "none") return noChange(till);
  // Started again while the journal still says "printing": the first attempt may have printed.
  const copy = sale.receipt.copy === true || sale.receipt.status === "printing";
  return commit(
    till,
    { ...sale, receipt: { ...sale.receipt, status: "printing", ...(copy ? { copy } : {}) } },
    [],
    ctx,
  );
}

export function onReceiptResult(
  till: TillState,
  saleId: string,
  printed: boolean,
  abandoned: boolean,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined || sale.receipt.status === "none") return noChange(till);
  const copy = sale.receipt.copies > 0 || sale.receipt.copy === true;
  const receipt = printed
    ? { status: "printed" as const, copies: sale.receipt.copies + 1 }
    : {
        status: abandoned ? ("failed" as const) : ("queued" as const),
        copies: sale.receipt.copies,
        ...(copy ? { copy } : {}),
      };
  const effects: Effect[] = [{ type: "receipt_outcome", saleId, printed, copy }];
  return commit(till, { ...sale, receipt }, effects, ctx);
}

/**
 * Order Management's answer to a captured hold's receipt (app-receipt.ts). No answer: asked again
 * later (the same receipt for the same reference). 201, or 409 — the order already has a receipt,
 * ours from a request whose answer was lost — it is done. Any other refusal (400, 404) is final:
 * the runner logs it with a code, and the sale, the register and the paper receipt are not held
 * up by what the app shows.
 */
export function onOrderReceiptResult(
  till: TillState,
  saleId: string,
  reference: string,
  result: ApiResult<void>,
  ctx: Ctx,
): Transition {
  return onFollowUpResult(till, saleId, reference, result, "orderReceipt", ctx);
}
