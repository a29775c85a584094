import type { Effect, Input } from "../checkout/io.js";
import type { PaymentsPort } from "./ports.js";

export type VippsEffect = Effect & {
  type: "vipps_create" | "vipps_get" | "vipps_capture" | "vipps_cancel" | "vipps_refund" | "vipps_lookup";
};

/** Makes the ePayment call a checkout effect asks for; resolves with the input that reports its result. */
export async function callVipps(payments: PaymentsPort, effect: VippsEffect): Promise<Input> {
  const { saleId, reference } = effect;
  switch (effect.type) {
    case "vipps_create": {
      const result = await payments.create(effect.body, effect.idempotencyKey);
      return { type: "create_result", saleId, reference, result };
    }
    case "vipps_get": {
      const result = await payments.get(reference);
      return {
        type: "poll_result",
        saleId,
        reference,
        result,
        ...(effect.confirmsEvent ? { confirmsEvent: true as const } : {}),
      };
    }
    case "vipps_capture": {
      const result = await payments.capture(reference, effect.amount, effect.idempotencyKey);
      return { type: "capture_result", saleId, reference, result };
    }
    case "vipps_cancel": {
      const result = await payments.cancel(reference, effect.transactionOnly, effect.idempotencyKey);
      // A clean-up only needs to know it was done; the sale's outcome was already decided.
      return effect.cleanup
        ? {
            type: "cleanup_result",
            saleId,
            reference,
            result: result.ok ? { ok: true, value: undefined } : result,
          }
        : { type: "cancel_result", saleId, reference, transactionOnly: effect.transactionOnly, result };
    }
    case "vipps_refund": {
      const result = await payments.refund(reference, effect.amount, effect.idempotencyKey);
      return { type: "refund_result", saleId, refundId: effect.refundId, result };
    }
    case "vipps_lookup":
      return { type: "lookup_result", saleId, result: await payments.lookup(reference) };
  }
}
