import { orderReceiptEffects } from "./app-receipt.js";
import type { Effect } from "./io.js";
import { captureKey, idempotencyKey, refundKey } from "./references.js";
import type { Sale } from "./sale.js";
import { cleanupEffects, releaseEffect } from "./transitions.js";
import { vippsAmount } from "./tenders.js";

/**
 * The requests a sale still needs, derived from its journalled state alone. Used at start-up
 * (after a crash or power cut at any point) and after a retry timer: because every request
 * carries the same Idempotency-Key as its first attempt, re-sending is always safe.
 *
 * Printing: a receipt that was `printing` when the agent stopped may or may not have come out,
 * so it is printed again marked COPY; a `queued` one never started and is printed as original.
 */
export function resumeEffects(sale: Sale, options: { includeReceipts: boolean }): Effect[] {
  const effects: Effect[] = [];
  const phase = sale.phase;
  const money = (value: number) => ({ currency: sale.basket.currency, value });
  switch (phase.kind) {
    case "open":
      break;
    case "held":
      // A hold waits for the register; the runner's hold sweep watches its deadline (hold.ts).
      break;
    case "awaiting_customer":
      // The wait's timer was lost with the process: look at once whether it is due.
      effects.push({ type: "schedule", saleId: sale.saleId, reference: "", timer: "scan_wait", delayMs: 0 });
      break;
    case "identifying":
      effects.push({
        type: "loyalty_identify",
        saleId: sale.saleId,
        customerToken: phase.checkIn.customerToken,
      });
      break;
    case "member_window":
    case "enrolling":
      // The window's timer and the login were lost with the process: go on to the payment.
      effects.push({ type: "schedule", saleId: sale.saleId, reference: "", timer: "loyalty", delayMs: 0 });
      break;
    case "creating":
      effects.push({
        type: "vipps_create",
        saleId: sale.saleId,
        reference: phase.attempt.reference,
        idempotencyKey: idempotencyKey(phase.attempt.reference, "create"),
        body: phase.attempt.createBody,
      });
      break;
    case "looking_up":
      effects.push({ type: "vipps_lookup", saleId: sale.saleId, reference: phase.reference });
      break;
    case "requested":
      effects.push({ type: "vipps_get", saleId: sale.saleId, reference: phase.attempt.reference });
      break;
    case "cancelling":
      effects.push({
        type: "vipps_cancel",
        saleId: sale.saleId,
        reference: phase.attempt.reference,
        idempotencyKey: idempotencyKey(phase.attempt.reference, "cancel"),
        transactionOnly: true,
        cleanup: false,
      });
      break;
    case "capturing":
      effects.push({
        type: "vipps_capture",
        saleId: sale.saleId,
        reference: phase.attempt.reference,
        idempotencyKey: captureKey(phase.attempt),
        amount: money(vippsAmount(sale)),
      });
      break;
    case "releasing":
      effects.push(releaseEffect(sale.saleId, phase.attempt.reference));
      break;
    case "final":
      if (sale.cleanup !== undefined) effects.push(...cleanupEffects(sale.saleId, sale.cleanup.reference));
      // A captured hold's receipt for the app; Vipps answers a repeat 409, which ends it too.
      effects.push(...orderReceiptEffects(sale));
      if (phase.outcome.state === "captured") {
        const reference = phase.outcome.reference;
        for (const refund of sale.refunds) {
          if (refund.status !== "requested") continue;
          effects.push({
            type: "vipps_refund",
            saleId: sale.saleId,
            reference,
            refundId: refund.refundId,
            idempotencyKey: refundKey(sale, reference, refund.n),
            amount: money(refund.amount),
          });
        }
        if (
          options.includeReceipts &&
          (sale.receipt.status === "queued" || sale.receipt.status === "printing")
        ) {
          effects.push({
            type: "print_receipt",
            saleId: sale.saleId,
            kind: "sale",
            copy: sale.receipt.status === "printing" || sale.receipt.copy === true,
          });
        }
      }
      break;
  }
  return effects;
}

/**
 * True when a sale still has work to do, and so is kept in memory and loaded at start-up. An
 * open basket has none: it waits in the journal until the register names it.
 */
export function needsResume(sale: Sale): boolean {
  return resumeEffects(sale, { includeReceipts: true }).length > 0;
}
