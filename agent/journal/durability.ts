import { assertNever } from "../../lib/errors.js";
import type { Effect, Input, Transition } from "../checkout/io.js";

/**
 * Whether a transition must be on disk (fsynced) before its effects run, or may be committed
 * lazily and made durable by the next durable commit (agent/store/database.ts `lazyWriter`).
 * docs/architecture.md "Durable writes" lists every write of a sale and why.
 *
 * Durable: what someone outside was told, or is about to be asked, and could not be re-derived
 * identically after a power cut —
 * - a register command the register gets an ack for (basket, pay, cancel, refund);
 * - a check-in: the broker's PUBACK follows, and a scan must never come back after a power cut
 *   to pay for another basket;
 * - `receipt_started`: the receipt is known to be printing before its bytes leave, so a
 *   reprint after a crash says COPY;
 * - any effect that moves money or asks Vipps to (create, capture, cancel, refund), a captured
 *   hold's receipt for the app (journalled before it is sent, as every Vipps request), a final
 *   state or receipt report for the register, the back office's sale event, and the start of a
 *   Vipps Login (a push to the customer's phone).
 * Lazy: everything else — progress the checkout re-derives from the last durable state by
 * asking Vipps again with the same Idempotency-Key or a GET (e.g. the create's answer: the
 * same create sent again answers the same), timers, the register's progress updates, polls.
 */
export function needsDurableCommit(input: Input, transition: Transition): boolean {
  switch (input.type) {
    case "basket":
    case "pay":
    case "capture":
    case "release":
    case "cancel":
    case "refund":
    case "checkin":
    case "receipt_started":
      return true;
    case "payment_event":
    case "create_result":
    case "poll_result":
    case "capture_result":
    case "cancel_result":
    case "cleanup_result":
    case "refund_result":
    case "order_receipt_result":
    case "lookup_result":
    case "timer":
    case "loyalty_identified":
    case "loyalty_binding":
    case "loyalty_enrolled":
    case "receipt_result":
    case "drop_baskets":
    case "hold_deadline":
    case "identification":
      return transition.effects.some(isOutsidePromise);
    default:
      return assertNever(input, "input");
  }
}

function isOutsidePromise(effect: Effect): boolean {
  switch (effect.type) {
    case "vipps_create":
    case "vipps_capture":
    case "vipps_cancel":
    case "vipps_refund":
    case "vipps_order_receipt":
    case "receipt_outcome":
    case "sale_completed":
    case "loyalty_enroll":
      return true;
    case "notify_register":
      return effect.durable;
    case "vipps_get":
    case "vipps_lookup":
    case "print_receipt":
    case "schedule":
    case "loyalty_identify":
    case "loyalty_abort":
    case "paid_signal":
      return false;
    default:
      return assertNever(effect, "effect");
  }
}
