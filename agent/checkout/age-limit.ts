import type { Sale } from "./sale.js";

/**
 * Age-restricted goods (docs/register-protocol.md §7.10). A basket line or `pay` names the
 * minimum age in whole years; the sale's is the highest of them, sent as ePayment's
 * `minimumUserAge` (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/features/minimum-user-age/).
 *
 * What Vipps reveals: with PUSH_MESSAGE — the agent's flow — a customer below the age gets no
 * request and the create is refused with the generic "cannot pay businesses" answer (7010),
 * the one a user who may not pay at all gets; Vipps never tells the merchant the age. So the
 * register hears AGE_NOT_VERIFIED: below the age, or not allowed to pay — not which.
 */

/** The refusal Vipps gives both a customer below the age and one who cannot pay businesses. */
export const CUSTOMER_CANNOT_PAY = "7010";

/** The sale's minimum age: the highest of `pay`'s and its lines'; undefined when none. */
export function minimumAgeOf(sale: Sale): number | undefined {
  const ages = sale.basket.lines.map((l) => l.minimumAge ?? 0);
  const age = Math.max(sale.minimumAge ?? 0, ...ages);
  return age > 0 ? age : undefined;
}

/**
 * `pay` with a minimum age for a sale: the highest asked for counts. A register that names an
 * age only on its second `pay` (the member window) still gets it; one never lowers it.
 */
export function withPayAge(sale: Sale, minimumAge: number | undefined): Sale {
  if (minimumAge === undefined || minimumAge <= (sale.minimumAge ?? 0)) return sale;
  return { ...sale, minimumAge };
}
