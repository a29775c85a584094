import { saleVat } from "./vat.js";
import type { ApiResult, Effect, PaymentRecord, Transition } from "./io.js";
import { nextReferenceBase, paymentReference, refundKey } from "./references.js";
import type { FailureReason, Sale } from "./sale.js";
import { refundableAmount } from "./sale.js";
import type { TillState } from "./till.js";
import { ACCEPT, commit, noChange, refuse, type Ctx } from "./transitions.js";
import { saleUpdate } from "./wire.js";

/**
 * Refunds from any till (docs/register-protocol.md §7.11): a `refund` for a saleId this till
 * does not know, naming the Vipps `reference` of a payment another till took (or this till
 * before its Pi was replaced). Vipps is the truth: the payment is looked up (GET payment and its
 * event log) before anything is refunded, and the refund is then made and journalled exactly
 * like a refund of this till's own sale, on a record of its own that has no basket.
 *
 * Vipps finds a reference only among the payments of the sales unit (MSN) that asks, so another
 * merchant's reference is simply unknown: 404 (403 when the product is not enabled). Both end
 * REFERENCE_UNKNOWN — the register learns nothing about other merchants' payments.
 */

/**
 * Refunds are possible up to 365 days after the capture:
 * https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/operations/refund/
 */
export const REFUND_WINDOW_MS = 365 * 24 * 3_600_000;

/** The ePayment reference alphabet and length this agent accepts (agent/vipps/validate-input.ts). */
const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/;

export function refundElsewhere(
  till: TillState,
  saleId: string,
  refundId: string,
  amount: number,
  reference: string,
  ctx: Ctx,
): Transition {
  if (!REFERENCE.test(reference))
    return refuse(till, "BAD_FIELD", "reference: expected 8–50 of A–Z, a–z, 0–9 and -");
  // A payment already on a record here is refunded through that record: two records of one
  // payment would each think they may refund all of it while a refund is in flight.
  // (One that ended without a refund — failed — does not count: Vipps' figures decide again.)
  const known = Object.values(till.sales).find((s) => referenceOf(s) === reference && canRefund(s));
  if (known !== undefined)
    return refuse(till, "BAD_FIELD", `reference: ${reference} is sale ${known.saleId} here; refund that`);
  const referenceBase = nextReferenceBase(ctx.now, till.lastReferenceBase);
  const sale: Sale = {
    saleId,
    saleNo: till.lastSaleNo + 1,
    referenceBase,
    basket: { saleId, currency: ctx.settings.currency, lines: [], total: 0 },
    vat: saleVat([]),
    phase: { kind: "looking_up", reference, refundId, amount },
    attempts: 0,
    refunds: [],
    receipt: { status: "none", copies: 0 },
    createdAt: ctx.now,
    updatedAt: ctx.now,
    // Attempt 0 is never a payment of this till: `{till}-{base}-0` is a key base of its own.
    imported: { keyBase: paymentReference(ctx.settings.tillId, referenceBase, 0), refundedElsewhere: 0 },
  };
  const counted: TillState = { ...till, lastSaleNo: sale.saleNo, lastReferenceBase: referenceBase };
  const lookup: Effect = { type: "vipps_lookup", saleId, reference };
  return commit(counted, sale, [lookup], ctx, ACCEPT);
}

function canRefund(sale: Sale): boolean {
  return (
    sale.phase.kind === "looking_up" ||
    (sale.phase.kind === "final" && sale.phase.outcome.state === "captured")
  );
}

/** The reference a record's refunds go to: its capture's, or the one being looked up. */
function referenceOf(sale: Sale): string | undefined {
  if (sale.phase.kind === "looking_up") return sale.phase.reference;
  return sale.phase.kind === "final" ? sale.phase.outcome.reference : undefined;
}

export function onLookupResult(
  till: TillState,
  saleId: string,
  result: ApiResult<PaymentRecord>,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale?.phase.kind !== "looking_up") return noChange(till);
  const { reference, refundId, amount } = sale.phase;
  // Nothing was refunded: the record ends `failed`, its reason saying why (§7.11).
  const fail = (reason: FailureReason): Transition => {
    const failed: Sale = {
      ...sale,
      phase: { kind: "final", outcome: { state: "failed", reason, reference } },
    };
    const update = { ...saleUpdate(failed), refundId };
    return commit(till, failed, [{ type: "notify_register", update, durable: true }], ctx);
  };
  if (!result.ok) {
    if (result.failure === "unavailable") return fail("VIPPS_UNAVAILABLE");
    return fail(result.status === 404 || result.status === 403 ? "REFERENCE_UNKNOWN" : "VIPPS_UNAVAILABLE");
  }
  const { snapshot, capturedAt } = result.value;
  if (snapshot.capturedAmount === 0 || capturedAt === undefined) return fail("REFUND_TOO_LARGE");
  if (ctx.now - capturedAt > REFUND_WINDOW_MS) return fail("REFUND_TOO_OLD");
  const captured: Sale = {
    ...sale,
    basket: { ...sale.basket, total: snapshot.capturedAmount },
    phase: {
      kind: "final",
      outcome: {
        state: "captured",
        reference,
        capturedAmount: snapshot.capturedAmount,
        ...(snapshot.pspReference === undefined ? {} : { pspReference: snapshot.pspReference }),
      },
    },
    imported: { ...sale.imported!, refundedElsewhere: snapshot.refundedAmount, capturedAt },
  };
  if (amount > refundableAmount(captured)) return fail("REFUND_TOO_LARGE");
  const next: Sale = { ...captured, refunds: [{ refundId, n: 1, amount, status: "requested" }] };
  const refund: Effect = {
    type: "vipps_refund",
    saleId,
    reference,
    refundId,
    idempotencyKey: refundKey(next, reference, 1),
    amount: { currency: sale.basket.currency, value: amount },
  };
  return commit(till, next, [refund], ctx);
}
