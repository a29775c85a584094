import { minimumAgeOf } from "./age-limit.js";
import { appReceiptOf } from "./app-receipt.js";
import type { CheckoutSettings } from "./settings.js";
import type { CreatePaymentBody, PaymentCustomer, Sale } from "./sale.js";
import { vippsAmount } from "./tenders.js";

/**
 * The ePayment create request (docs/vipps-api.md §6.1), customer present, with the basket as
 * receipt lines so the customer sees them in the app. With a `customer` — the token of a scan of
 * the till's QR, a personal QR the register scanned, a typed number — the request is pushed to
 * that customer's app (`PUSH_MESSAGE`). Without one it is a per-sale QR: `userFlow: "QR"` with
 * `qrFormat` `TEXT/TARGETURL`, so the answer's `redirectUrl` is the text the display draws as a QR
 * (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/features/qr-payments/).
 * A split-tender sale asks for Vipps MobilePay's part only; its receipt is still the whole
 * basket, the rest named as payment sources (tenders.ts). A hold sends no receipt here: its
 * final basket is sent once it is captured (app-receipt.ts).
 */
export function createPaymentBody(
  sale: Sale,
  reference: string,
  customer: PaymentCustomer | undefined,
  settings: CheckoutSettings,
): CreatePaymentBody {
  const minimumUserAge = minimumAgeOf(sale);
  return {
    amount: { currency: sale.basket.currency, value: vippsAmount(sale) },
    paymentMethod: { type: "WALLET" },
    ...(customer === undefined ? {} : { customer }),
    customerInteraction: "CUSTOMER_PRESENT",
    ...(customer === undefined
      ? { userFlow: "QR" as const, qrFormat: { format: "TEXT/TARGETURL" as const } }
      : { userFlow: "PUSH_MESSAGE" as const }),
    reference,
    paymentDescription: paymentDescription(settings, sale.saleId),
    // A hold's basket may still change before its capture: its receipt is sent after (app-receipt.ts).
    ...(sale.hold === undefined ? { receipt: appReceiptOf(sale, settings) } : {}),
    metadata: { till: settings.tillId, saleId: sale.saleId },
    ...(minimumUserAge === undefined ? {} : { minimumUserAge }),
  };
}

/** 3–100 characters as the spec requires; the template is validated by the config schema. */
function paymentDescription(settings: CheckoutSettings, saleId: string): string {
  const text = settings.paymentDescription
    .replaceAll("{location}", settings.locationDescription)
    .replaceAll("{saleId}", saleId);
  const trimmed = text.trim().slice(0, 100);
  return trimmed.length >= 3 ? trimmed : `${settings.locationDescription} ${saleId}`.slice(0, 100);
}
