import type { SimWorld } from "../world.js";
import { refusal, type Refusal } from "./error-codes.js";

/**
 * ePayment's `minimumUserAge` (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/features/minimum-user-age/):
 * in the PUSH_MESSAGE flow a customer younger than the age gets no push, and the create is
 * refused with the generic answer a number that cannot pay businesses gets (7010) — Vipps does
 * not reveal the age. In the other flows the app opens and tells the customer, who cannot
 * approve; the payment stays CREATED until it expires.
 */

/** The customer's age in whole years at `now`, from the profile's birthdate (UTC calendar). */
export function ageAt(birthdate: string, now: number): number {
  const [year = 0, month = 1, day = 1] = birthdate.split("-").map(Number);
  const today = new Date(now);
  const beforeBirthday =
    today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  return today.getUTCFullYear() - year - (beforeBirthday ? 1 : 0);
}

/** The refusal for a customer younger than `minimumUserAge`, or null. Same text as 7010 for an unknown user. */
export function ageRefusal(
  world: SimWorld,
  msisdn: string,
  minimumUserAge: number | undefined,
  now: number,
): Refusal | null {
  if (minimumUserAge === undefined || ageAt(world.customers.profile(msisdn).birthdate, now) >= minimumUserAge)
    return null;
  return refusal("7010", CUSTOMER_CANNOT_PAY);
}

/** Vipps' generic text, shared with an unknown or blocked user so the age does not leak. */
export const CUSTOMER_CANNOT_PAY = "The customer cannot pay this sales unit.";
