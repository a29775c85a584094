import { minimumAgeOf } from "./age-limit.js";
import { orderLinesOf } from "./order-lines.js";
import type { CheckoutSettings } from "./settings.js";
import type { CreatePaymentBody, Sale } from "./sale.js";

/**
 * The ePayment create request for the merchant callback QR flow (docs/vipps-api.md §6.1): the customer
 * token from the scan, a push to the app that scanned, customer present, and the basket as
 * receipt lines so the customer sees them in the app.
 */
export function createPaymentBody(
  sale: Sale,
  reference: string,
  customerToken: string,
  settings: CheckoutSettings,
): CreatePaymentBody {
  const receiptNumber = String(sale.saleNo).padStart(6, "0");
  const minimumUserAge = minimumAgeOf(sale);
  return {
    amount: { currency: sale.basket.currency, value: sale.basket.total },
    paymentMethod: { type: "WALLET" },
    customer: { customerToken },
    customerInteraction: "CUSTOMER_PRESENT",
    userFlow: "PUSH_MESSAGE",
    reference,
    paymentDescription: paymentDescription(settings, sale.saleId),
    receipt: {
      orderLines: orderLinesOf(sale),
      bottomLine: { currency: sale.basket.currency, posId: settings.tillId, receiptNumber },
    },
    metadata: { till: settings.tillId, saleId: sale.saleId },
    ...(minimumUserAge === undefined ? {} : { minimumUserAge }),
  };
}

/** 3–100 characters as the spec requires; the template is validated by the config schema. */
export function paymentDescription(settings: CheckoutSettings, saleId: string): string {
  const text = settings.paymentDescription
    .replaceAll("{location}", settings.locationDescription)
    .replaceAll("{saleId}", saleId);
  const trimmed = text.trim().slice(0, 100);
  return trimmed.length >= 3 ? trimmed : `${settings.locationDescription} ${saleId}`.slice(0, 100);
}
