import { loyaltyError } from "./errors.js";

/**
 * Phone numbers as Vipps MobilePay writes them (docs/vipps-api.md §3.1): the MSISDN, country code and
 * number, digits only, 10–15 digits (`4791234567`). The loyalty store keys members by it.
 */
const MSISDN_PATTERN = /^\d{10,15}$/;

export function isMsisdn(value: unknown): value is string {
  return typeof value === "string" && MSISDN_PATTERN.test(value);
}

/**
 * What a technician types or a spreadsheet holds → the MSISDN: spaces, dots, dashes and
 * brackets are dropped, and a leading `+` or `00` (international prefix) is removed.
 * A number without its country code cannot be told apart from another country's: refused.
 * Throws LOYALTY_INVALID_MSISDN; the message never repeats the input.
 */
export function normalizeMsisdn(input: string): string {
  let digits = input.trim().replace(/[\s().-]/g, "");
  if (digits.startsWith("+")) digits = digits.slice(1);
  else if (digits.startsWith("00")) digits = digits.slice(2);
  if (!MSISDN_PATTERN.test(digits)) {
    const hint = /^\d([.,]\d+)?e\+?\d+$/i.test(input.trim())
      ? " (a spreadsheet turned it into a number in scientific notation: format the column as text)"
      : "";
    throw loyaltyError(
      "LOYALTY_INVALID_MSISDN",
      `expected a phone number with its country code, 10–15 digits (e.g. +47 and the eight-digit number)${hint}`,
    );
  }
  return digits;
}
