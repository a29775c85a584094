import type { Payment } from "./payment.js";

/**
 * The create answer's `redirectUrl` (epayment.yaml CreatePaymentResponse): none for PUSH_MESSAGE;
 * the landing page for the redirect flows; for `userFlow: "QR"` a link to an image of the QR, or
 * with `qrFormat` `TEXT/TARGETURL` the URL the QR itself encodes — what a till draws on its own
 * display (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/features/qr-payments/).
 * The simulator's target URL is the landing page with the payment's token: short enough for a
 * version-5 QR, which fits an 80×24 display. A customer "scans" it through the control API
 * (`POST /_sim/payment-qr/scan`), which finds the payment by that token.
 */
const TARGET_URL_PREFIX = "https://landing.vipps.no/?token=";

export function redirectUrlOf(payment: Payment): string | undefined {
  const token = payment.redirectToken;
  if (token === undefined) return undefined;
  if (payment.userFlow === "QR" && payment.qrFormat !== "TEXT/TARGETURL")
    return `https://qr-image.vipps.no/v1?token=${token}`;
  return `${TARGET_URL_PREFIX}${token}`;
}

/** The payment token in a per-sale QR's text, if it is one of ours. */
export function tokenOfTargetUrl(text: string): string | undefined {
  if (!text.startsWith(TARGET_URL_PREFIX)) return undefined;
  const token = text.slice(TARGET_URL_PREFIX.length);
  return /^[A-Za-z0-9_-]{1,100}$/.test(token) ? token : undefined;
}
