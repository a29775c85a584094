/**
 * Money is an integer number of minor units (øre, cent) with a currency. Floats never
 * represent money anywhere in this project.
 */
export const CURRENCIES = ["NOK", "DKK", "EUR"] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  readonly currency: Currency;
  /** Minor units; a non-negative safe integer. */
  readonly value: number;
}

export function isCurrency(value: unknown): value is Currency {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

/** A non-negative safe integer: the only acceptable amount in minor units. */
export function isMinorUnits(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The smallest amount Vipps MobilePay accepts per payment (docs/vipps-api.md §1.5, error 6010 below it):
 * NOK 1.00, DKK 0.01, EUR 0.01.
 */
export const MINIMUM_PAYMENT: Readonly<Record<Currency, number>> = { NOK: 100, DKK: 1, EUR: 1 };

/** The largest payment amount in the ePayment spec (`Amount.value` maximum). */
export const MAXIMUM_PAYMENT = 65_000_000;
