import { AgentError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { Effect, Input } from "../checkout/io.js";
import type { PaymentsPort } from "./ports.js";

/** Order Management's "this order has a receipt already": ours, from a request whose answer was lost. */
const ALREADY_THERE = 409;

/**
 * Sends a captured hold's receipt for the app (checkout/app-receipt.ts) and reports the answer as
 * the input the checkout takes. A refusal other than 409 (a 400 for a receipt Vipps will not
 * take, a 404 for an order it does not know) is final: logged here with a code for the
 * technician, while the sale, the register and the paper receipt go on without it.
 */
export async function sendOrderReceipt(
  payments: PaymentsPort,
  effect: Effect & { type: "vipps_order_receipt" },
  logger: Logger,
): Promise<Input> {
  const { saleId, reference } = effect;
  const result = await payments.orderReceipt(reference, effect.receipt, effect.paid);
  if (!result.ok && result.failure === "refused") {
    if (result.status === ALREADY_THERE)
      logger.info({ saleId, reference }, "the app's receipt was already at Vipps (409)");
    else {
      const error = new AgentError(
        "ORDER_RECEIPT_REFUSED",
        `Vipps refused the app receipt of ${reference} (HTTP ${result.status}); the sale is unaffected, the app shows no receipt`,
        {
          details: {
            saleId,
            reference,
            status: result.status,
            ...(result.code === undefined ? {} : { vippsCode: result.code }),
          },
        },
      );
      logger.warn({ err: error.toJSON() }, "app receipt refused");
    }
  }
  return { type: "order_receipt_result", saleId, reference, result };
}
