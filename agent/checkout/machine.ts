import { onOrderReceiptResult, onReceiptResult, onReceiptStarted, onRefundResult } from "./after-payment.js";
import type { Input, Transition } from "./io.js";
import { onCancelResult, onCleanupResult } from "./cancel-result.js";
import { onCaptureResult } from "./capture-result.js";
import { onCreateResult } from "./create-result.js";
import { onPaymentEvent, onPollResult } from "./payment-state.js";
import { onTimer } from "./timers.js";
import { onBindingMessage, onEnrolled, onIdentified } from "./loyalty.js";
import { onDropBaskets } from "./open-baskets.js";
import { onCheckIn } from "./scans.js";
import { onCaptureHeld, onHoldDeadline, onReleaseHeld } from "./hold.js";
import { onIdentificationChanged } from "./per-sale-qr.js";
import { onLookupResult } from "./refund-elsewhere.js";
import { onBasket, onCancel, onPay, onRefund } from "./register-commands.js";
import type { CheckoutSettings } from "./settings.js";
import type { TillState } from "./till.js";

/**
 * The checkout as a pure function: `(state, input) → (state, effects)`. No I/O, no timers, no
 * clock reads — `now` is an argument — so every path is a table-driven test and a journal
 * replay is exact. docs/architecture.md, "Why nothing is lost or done twice".
 */
export function step(till: TillState, input: Input, now: number, settings: CheckoutSettings): Transition {
  const ctx = { now, settings };
  switch (input.type) {
    case "basket":
      return onBasket(till, input.basket, ctx);
    case "pay":
      return onPay(till, input.saleId, input.total, ctx, {
        ...(input.minimumAge === undefined ? {} : { minimumAge: input.minimumAge }),
        ...(input.customer === undefined ? {} : { customer: input.customer }),
        ...(input.identification === undefined ? {} : { identification: input.identification }),
        ...(input.tenders === undefined ? {} : { tenders: input.tenders }),
        ...(input.hold === true ? { hold: true as const } : {}),
      });
    case "capture":
      return onCaptureHeld(till, input.saleId, input.total, ctx);
    case "release":
      return onReleaseHeld(till, input.saleId, ctx);
    case "hold_deadline":
      return onHoldDeadline(till, input.saleIds, ctx);
    case "identification":
      return onIdentificationChanged(till, input.identification, ctx);
    case "cancel":
      return onCancel(till, input.saleId, ctx);
    case "refund":
      return onRefund(till, input.saleId, input.refundId, input.amount, ctx, input.reference);
    case "lookup_result":
      return onLookupResult(till, input.saleId, input.result, ctx);
    case "checkin":
      return onCheckIn(till, input.checkIn, ctx);
    case "payment_event":
      return onPaymentEvent(till, input.event, ctx);
    case "create_result":
      return onCreateResult(till, input.saleId, input.reference, input.result, ctx);
    case "poll_result":
      return onPollResult(
        till,
        input.saleId,
        input.reference,
        input.result,
        ctx,
        input.confirmsEvent === true,
      );
    case "capture_result":
      return onCaptureResult(till, input.saleId, input.reference, input.result, ctx);
    case "cancel_result":
      return onCancelResult(till, input.saleId, input.reference, input.transactionOnly, input.result, ctx);
    case "cleanup_result":
      return onCleanupResult(till, input.saleId, input.reference, input.result, ctx);
    case "refund_result":
      return onRefundResult(till, input.saleId, input.refundId, input.result, ctx);
    case "order_receipt_result":
      return onOrderReceiptResult(till, input.saleId, input.reference, input.result, ctx);
    case "timer":
      return onTimer(till, input.saleId, input.reference, input.timer, ctx);
    case "loyalty_identified":
      return onIdentified(till, input.saleId, input.result, ctx);
    case "loyalty_binding":
      return onBindingMessage(till, input.saleId, input.bindingMessage, ctx);
    case "loyalty_enrolled":
      return onEnrolled(till, input.saleId, input.member, ctx);
    case "receipt_started":
      return onReceiptStarted(till, input.saleId, ctx);
    case "receipt_result":
      return onReceiptResult(till, input.saleId, input.printed, input.abandoned === true, ctx);
    case "drop_baskets":
      return onDropBaskets(till, input.saleIds, ctx);
  }
}
