import type { Effect } from "./io.js";
import { orderLinesOf } from "./order-lines.js";
import type { AppReceipt, Outcome, Sale } from "./sale.js";
import type { CheckoutSettings } from "./settings.js";
import { paymentSources } from "./tenders.js";

/**
 * The receipt the customer sees in the Vipps MobilePay app: the basket's order lines (VAT from
 * the sale's breakdown, order-lines.ts) and a bottom line naming the till, the receipt number and
 * — for a split sale — the parts paid otherwise (tenders.ts). The one computation of it: the
 * simple sale sends it with the create, a hold sends it after its capture.
 * https://developer.vippsmobilepay.com/docs/APIs/order-management-api/order-management-api-guide/
 */
export function appReceiptOf(
  sale: Pick<Sale, "basket" | "vat" | "saleNo" | "tenders">,
  settings: Pick<CheckoutSettings, "tillId">,
): AppReceipt {
  const sources = paymentSources(sale);
  return {
    orderLines: orderLinesOf(sale),
    bottomLine: {
      currency: sale.basket.currency,
      posId: settings.tillId,
      receiptNumber: String(sale.saleNo).padStart(6, "0"),
      ...(sources === undefined ? {} : { paymentSources: sources }),
    },
  };
}

/**
 * A hold is created without a receipt (create-body.ts): its final basket is not known until the
 * register's `capture`, and Order Management answers 409 to a receipt for an order that already
 * has one — whether a create-time receipt counts is not documented, so none is sent. Once a hold
 * is captured, its final basket goes to Order Management
 * (`POST /order-management/v2/ECOM/receipts/{reference}`), so the app shows what was captured.
 * Journalled with the captured sale before it is sent, and repeated until Vipps answers.
 */
export function heldSaleReceipt(
  sale: Sale,
  outcome: Outcome,
  settings: CheckoutSettings,
): Sale["orderReceipt"] {
  if (sale.hold === undefined || outcome.state !== "captured") return undefined;
  return {
    reference: outcome.reference,
    receipt: appReceiptOf(sale, settings),
    paid: outcome.capturedAmount,
  };
}

/** The request a sale's pending app receipt needs (none when there is none). */
export function orderReceiptEffects(sale: Sale): Effect[] {
  const pending = sale.orderReceipt;
  if (pending === undefined) return [];
  return [
    {
      type: "vipps_order_receipt",
      saleId: sale.saleId,
      reference: pending.reference,
      receipt: pending.receipt,
      paid: { currency: sale.basket.currency, value: pending.paid },
    },
  ];
}
