import { CURRENCIES } from "../../lib/money.js";
import type { BasketLine, RegisterMessage } from "./messages.js";
import {
  MAX_BASKET_LINES,
  MAX_MINIMUM_AGE,
  MAX_SESSION_LENGTH,
  MAX_VAT_RATE,
  PROTOCOL_VERSION,
} from "./protocol.js";
import { checkPayCustomer } from "./validate-customer.js";
import { checkSplitTender } from "./validate-tenders.js";
import {
  badField,
  checkAmount,
  checkDate,
  checkId,
  checkInteger,
  checkText,
  firstProblem,
  invalid,
  isObject,
  type Fields,
  type Invalid,
  type Validation,
} from "./validate-fields.js";

/**
 * Validation of what a register sends (docs/register-protocol.md §4.1): the agent's
 * link refuses anything that fails here with the code returned, before any handler sees it.
 * Unknown extra fields are ignored (later protocol revisions may add optional ones).
 */

/** A positive decimal string: "1", "0.455", "12.5"; no sign, exponent or leading zeros. */
const QUANTITY_PATTERN = /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/;

function checkQuantity(value: unknown, path: string): Invalid | null {
  if (typeof value !== "string" || !QUANTITY_PATTERN.test(value) || /^0(\.0*)?$/.test(value)) {
    return badField(path, 'expected a positive decimal string such as "2" or "0.455"');
  }
  return null;
}

function checkLine(line: unknown, path: string): Invalid | null {
  if (!isObject(line)) return badField(path, "expected an object");
  return firstProblem(
    () => checkText(line.id, `${path}.id`, 64),
    () => checkText(line.name, `${path}.name`, 200),
    () => checkQuantity(line.quantity, `${path}.quantity`),
    () => checkAmount(line.unitPrice, `${path}.unitPrice`),
    () => checkAmount(line.discount, `${path}.discount`, true),
    () => checkAmount(line.total, `${path}.total`),
    () => checkInteger(line.vatRate, `${path}.vatRate`, 0, MAX_VAT_RATE),
    () => checkText(line.unit, `${path}.unit`, 16, true),
    () => checkMinimumAge(line.minimumAge, `${path}.minimumAge`),
  );
}

/** ePayment's reference alphabet; ≤ 50 as the agent's own Vipps client accepts (§7.11). */
const REFERENCE_PATTERN = /^[A-Za-z0-9-]{8,50}$/;

function checkReference(value: unknown, path: string): Invalid | null {
  if (value === undefined) return null;
  return typeof value === "string" && REFERENCE_PATTERN.test(value)
    ? null
    : badField(path, "expected 8–50 of A–Z, a–z, 0–9 and -");
}

function checkMinimumAge(value: unknown, path: string): Invalid | null {
  return value === undefined ? null : checkInteger(value, path, 1, MAX_MINIMUM_AGE);
}

function validateBasket(m: Fields): Validation<RegisterMessage> {
  const problem = firstProblem(
    () => checkId(m.saleId, "saleId"),
    () =>
      typeof m.currency === "string" && (CURRENCIES as readonly string[]).includes(m.currency)
        ? null
        : invalid("BAD_CURRENCY", `currency: expected one of ${CURRENCIES.join(", ")}`),
    () => (Array.isArray(m.lines) ? null : badField("lines", "expected an array")),
    () =>
      (m.lines as unknown[]).length <= MAX_BASKET_LINES
        ? null
        : badField("lines", `at most ${MAX_BASKET_LINES} lines per basket`),
    () => {
      const lines = m.lines as unknown[];
      for (let i = 0; i < lines.length; i++) {
        const lineProblem = checkLine(lines[i], `lines[${i}]`);
        if (lineProblem !== null) return lineProblem;
      }
      return null;
    },
    () => checkAmount(m.total, "total"),
  );
  if (problem !== null) return problem;
  const lines = m.lines as BasketLine[];
  const sum = lines.reduce((acc, line) => acc + line.total, 0);
  if (!Number.isSafeInteger(sum))
    return badField("lines", "the line totals add up beyond the largest safe integer");
  if (sum !== m.total) {
    return invalid(
      "BASKET_TOTAL_MISMATCH",
      `total ${String(m.total)} is not the sum of the line totals (${sum})`,
    );
  }
  return { ok: true, message: m as unknown as RegisterMessage };
}

/** Validates the body of a register → agent message (`type` and its fields). */
export function validateRegisterMessage(m: Fields): Validation<RegisterMessage> {
  const accept = (problem: Invalid | null): Validation<RegisterMessage> =>
    problem ?? { ok: true, message: m as unknown as RegisterMessage };
  switch (m.type) {
    case "basket":
      return validateBasket(m);
    case "pay":
      return accept(
        firstProblem(
          () => checkId(m.saleId, "saleId"),
          () => checkAmount(m.total, "total"),
          () => checkMinimumAge(m.minimumAge, "minimumAge"),
          () => checkPayCustomer(m.customer),
          () => checkSplitTender(m),
          () =>
            m.hold === undefined || typeof m.hold === "boolean"
              ? null
              : badField("hold", "expected true or false"),
          // A held amount is one Vipps MobilePay figure, captured later for the final basket.
          () =>
            m.hold === true && m.tenders !== undefined
              ? badField("hold", "a held payment cannot be split: send tenders without hold")
              : null,
        ),
      );
    case "capture":
      return accept(
        firstProblem(
          () => checkId(m.saleId, "saleId"),
          () => checkAmount(m.total, "total"),
          () =>
            m.total === 0 ? badField("total", "capture at least 1 minor unit; release to take none") : null,
        ),
      );
    case "release":
      return accept(checkId(m.saleId, "saleId"));
    case "cancel":
    case "status":
      return accept(checkId(m.saleId, "saleId"));
    case "refund":
      return accept(
        firstProblem(
          () => checkId(m.saleId, "saleId"),
          () => checkId(m.refundId, "refundId"),
          () => checkAmount(m.amount, "amount"),
          () => (m.amount === 0 ? badField("amount", "a refund must be at least 1 minor unit") : null),
          () => checkReference(m.reference, "reference"),
        ),
      );
    case "totals":
      return accept(checkDate(m.date, "date", true));
    case "ping":
    case "pong":
      return accept(null);
    case "hello":
      return accept(checkHello(m, "register"));
    default:
      return typeof m.type === "string"
        ? invalid("UNKNOWN_TYPE", `type: ${JSON.stringify(m.type).slice(0, 40)} is not a register message`)
        : badField("type", "expected a string");
  }
}

/** A peer's `hello`: protocol 1, the expected role, its id and software version, and its optional session. */
export function checkHello(m: Fields, role: "register" | "agent"): Invalid | null {
  return firstProblem(
    () => checkInteger(m.protocol, "protocol", PROTOCOL_VERSION, PROTOCOL_VERSION),
    () => (m.role === role ? null : badField("role", `expected "${role}"`)),
    () => checkText(m.id, "id", 64),
    () => checkText(m.software, "software", 64),
    () => (role === "agent" ? checkText(m.till, "till", 64) : null),
    () => checkText(m.session, "session", MAX_SESSION_LENGTH, true),
  );
}
