import { MSISDN_PATTERN } from "../customers/customer-directory.js";
import type { SimWorld } from "../world.js";
import { CUSTOMER_CANNOT_PAY } from "./age-limit.js";
import { refusal, type Refusal } from "./error-codes.js";
import type { CustomerRef } from "./validate-create.js";

/**
 * A Vipps personal QR carries the number in clear text, e.g.
 * `https://qr.vipps.no/28/2/01/031/4791234567?v=1` (epayment.yaml PersonalQrCode). MobilePay's
 * tokenized personal QRs are not simulated.
 */
const PERSONAL_QR = /^https:\/\/qr\.vipps\.no\/(?:[\w-]+\/)*(\d{10,15})(?:\?.*)?$/;

/** The MSISDN behind a create/approve `customer`, or the refusal Vipps would give. */
export function resolveCustomer(
  world: SimWorld,
  msn: string,
  customer: CustomerRef,
  now: number,
): { msisdn: string } | Refusal {
  let msisdn: string;
  switch (customer.kind) {
    case "phoneNumber":
      if (!MSISDN_PATTERN.test(customer.value))
        return refusal("4070", "phoneNumber must be an MSISDN: country code and number, digits only.");
      msisdn = customer.value;
      break;
    case "personalQr": {
      const m =
        customer.value.length >= 5 && customer.value.length <= 255 ? PERSONAL_QR.exec(customer.value) : null;
      if (m?.[1] === undefined)
        return refusal("4060", "personalQr is not the content of a personal QR code.");
      msisdn = m[1];
      break;
    }
    case "customerToken": {
      const check = world.customerTokens.check(customer.value, msn, now);
      if (check.kind !== "valid")
        return refusal(
          "4050",
          check.kind === "expired"
            ? "The customer token has expired."
            : "The customer token is not valid for this sales unit.",
        );
      msisdn = check.record.msisdn;
      break;
    }
  }
  const status = world.customers.status(msisdn);
  if (status === "unknown" || status === "blocked") return refusal("7010", CUSTOMER_CANNOT_PAY);
  return { msisdn };
}
