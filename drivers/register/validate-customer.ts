import { badField, invalid, isObject, type Invalid } from "./validate-fields.js";

/**
 * The customer a register may name in `pay` (extension, docs/register-protocol.md §4.1), checked
 * before anything is asked of Vipps MobilePay. The shapes and limits are ePayment's `customer`
 * (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/): exactly one of
 * `personalQr` (the full content of the customer's personal QR, 5–255 characters, sent to Vipps
 * unchanged) and `phoneNumber` (an MSISDN: country code and number, digits only).
 */

/** ePayment's limits for `customer.personalQr`, in characters. */
const PERSONAL_QR_MIN = 5;
const PERSONAL_QR_MAX = 255;

/** ePayment's `customer.phoneNumber` pattern. */
const MSISDN = /^\d{10,15}$/;

/**
 * A Norwegian mobile number as an MSISDN: 47, then 8 digits starting with 4 or 9. ePayment takes
 * "only Norwegian mobile numbers (for now)" for `phoneNumber`; anything else is refused here with
 * PHONE_NOT_SUPPORTED, so the cashier learns it at once instead of from a failed payment.
 */
const NORWEGIAN_MOBILE_MSISDN = /^47[49]\d{7}$/;

/** C0 and C1 control characters: never part of a scanned QR, and never let into a log line. */
function hasControl(text: string): boolean {
  return [...text].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

export function checkPayCustomer(value: unknown): Invalid | null {
  if (value === undefined) return null;
  if (!isObject(value)) return badField("customer", "expected an object");
  const kinds = ["personalQr", "phoneNumber"].filter((k) => value[k] !== undefined);
  if (kinds.length !== 1 || Object.keys(value).length !== 1)
    return badField("customer", "expected exactly one of personalQr and phoneNumber");
  if (kinds[0] === "personalQr") {
    const qr = value.personalQr;
    const length = typeof qr === "string" ? [...qr].length : 0;
    if (typeof qr !== "string" || length < PERSONAL_QR_MIN || length > PERSONAL_QR_MAX || hasControl(qr)) {
      return invalid(
        "BAD_PERSONAL_QR",
        `customer.personalQr: expected the scanned QR's full text, ${PERSONAL_QR_MIN}–${PERSONAL_QR_MAX} characters without control characters`,
      );
    }
    return null;
  }
  const phone = value.phoneNumber;
  if (typeof phone !== "string" || !MSISDN.test(phone)) {
    return invalid(
      "BAD_PHONE_NUMBER",
      "customer.phoneNumber: expected an MSISDN, 10–15 digits with the country code and no + (e.g. 4791234567)",
    );
  }
  if (!NORWEGIAN_MOBILE_MSISDN.test(phone)) {
    return invalid(
      "PHONE_NOT_SUPPORTED",
      "customer.phoneNumber: Vipps MobilePay accepts only Norwegian mobile numbers (47 and 8 digits starting with 4 or 9)",
    );
  }
  return null;
}
