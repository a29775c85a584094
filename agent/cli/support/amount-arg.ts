import { InvalidArgumentError } from "commander";
import { MAXIMUM_PAYMENT } from "../../../lib/money.js";

/**
 * An amount typed by the technician, as integer minor units, without ever going through a
 * float: `1250` is 1250 minor units (øre, cent); `12.50` (or `12,50`) is 12 major units and 50
 * minor units — exactly two decimals, so `12.5` is refused rather than guessed. 1 to the
 * largest ePayment amount. Throws commander's InvalidArgumentError (exit 64 with usage).
 */
export function parseAmountArgument(text: string): number {
  const trimmed = text.trim();
  const minor = /^(\d{1,9})$/.exec(trimmed);
  const decimal = /^(\d{1,7})[.,](\d{2})$/.exec(trimmed);
  let value: number;
  if (minor?.[1] !== undefined) {
    value = Number.parseInt(minor[1], 10);
  } else if (decimal?.[1] !== undefined && decimal[2] !== undefined) {
    value = Number.parseInt(decimal[1], 10) * 100 + Number.parseInt(decimal[2], 10);
  } else {
    throw new InvalidArgumentError(
      "expected minor units (1250) or an amount with exactly two decimals (12.50)",
    );
  }
  if (value < 1 || value > MAXIMUM_PAYMENT)
    throw new InvalidArgumentError(`expected 1 to ${MAXIMUM_PAYMENT} minor units`);
  return value;
}
