import { CURRENCIES } from "../../lib/money.js";
import { FINAL_SALE_STATES, SALE_STATES, type AgentMessage, type SaleState } from "./messages.js";
import { MAX_VAT_RATE } from "./protocol.js";
import { checkHello } from "./validate-register.js";
import {
  badField,
  checkAmount,
  checkBoolean,
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
import { checkTenders } from "./validate-tenders.js";

/**
 * Validation of what the agent sends (docs/register-protocol.md §4.2). The
 * reference register refuses what fails here, and `RegisterLink.send` runs it on every
 * outgoing message so a bug in the agent never puts a malformed report on the cable.
 * Reason and error codes are checked for form only: registers must accept codes they do not
 * know yet.
 */

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,39}$/;

function checkCode(value: unknown, path: string): Invalid | null {
  if (value === undefined) return null;
  return typeof value === "string" && CODE_PATTERN.test(value)
    ? null
    : badField(path, "expected an UPPER_SNAKE_CASE code");
}

/** An ISO 8601 time in UTC as `Date.toISOString` writes it (a hold's deadline). */
function checkDateTime(value: unknown, path: string): Invalid | null {
  if (value === undefined) return null;
  return typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(value) &&
    Number.isFinite(Date.parse(value))
    ? null
    : badField(path, "expected an ISO 8601 time in UTC");
}

function checkSale(m: Fields): Invalid | null {
  return firstProblem(
    () => checkId(m.saleId, "saleId"),
    () =>
      (SALE_STATES as readonly unknown[]).includes(m.state)
        ? null
        : badField("state", `expected one of ${SALE_STATES.join(", ")}`),
    () => checkBoolean(m.final, "final"),
    () =>
      m.final === FINAL_SALE_STATES.has(m.state as SaleState)
        ? null
        : badField("final", `expected ${String(!m.final)} for state ${String(m.state)}`),
    () => checkAmount(m.amount, "amount", true),
    () => checkText(m.reference, "reference", 64, true),
    () => checkText(m.pspReference, "pspReference", 64, true),
    () => checkAmount(m.capturedAmount, "capturedAmount", true),
    () => checkAmount(m.refundedAmount, "refundedAmount", true),
    () => checkAmount(m.authorizedAmount, "authorizedAmount", true),
    () => checkDateTime(m.holdUntil, "holdUntil"),
    () => checkId(m.refundId, "refundId", true),
    () => checkCode(m.reason, "reason"),
    () => {
      const member = m.member;
      if (member === undefined) return null;
      if (!isObject(member)) return badField("member", "expected an object");
      return firstProblem(
        () => checkText(member.id, "member.id", 64),
        () => checkText(member.tier, "member.tier", 32, true),
      );
    },
  );
}

/** A number of sales or refunds. */
function checkCount(value: unknown, path: string): Invalid | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? null
    : badField(path, "expected a non-negative integer");
}

/** An amount that may be negative (a day's net: more refunded than captured). */
function checkSignedAmount(value: unknown, path: string): Invalid | null {
  return typeof value === "number" && Number.isSafeInteger(value)
    ? null
    : badField(path, "expected an integer in minor units");
}

function checkCountAndTotal(value: unknown, path: string): Invalid | null {
  if (!isObject(value)) return badField(path, "expected an object");
  return firstProblem(
    () => checkCount(value.count, `${path}.count`),
    () => checkAmount(value.total, `${path}.total`),
  );
}

function checkTotals(m: Fields): Invalid | null {
  return firstProblem(
    () => checkDate(m.date, "date"),
    () => checkText(m.from, "from", 64),
    () => checkText(m.to, "to", 64),
    () =>
      (CURRENCIES as readonly unknown[]).includes(m.currency)
        ? null
        : invalid("BAD_CURRENCY", `currency: expected one of ${CURRENCIES.join(", ")}`),
    () => {
      const sales = m.sales;
      if (!isObject(sales)) return badField("sales", "expected an object");
      return firstProblem(
        () => checkCount(sales.count, "sales.count"),
        () => checkCountAndTotal(sales.captured, "sales.captured"),
        () => checkCount(sales.failed, "sales.failed"),
        () => checkCount(sales.cancelled, "sales.cancelled"),
      );
    },
    () => checkCountAndTotal(m.refunds, "refunds"),
    () => checkSignedAmount(m.net, "net"),
    () => (m.tenders === undefined ? null : checkTenders(m.tenders, "tenders")),
    () => {
      if (!Array.isArray(m.vat)) return badField("vat", "expected an array");
      const rates = m.vat as unknown[];
      for (let i = 0; i < rates.length; i++) {
        const r = rates[i];
        const path = `vat[${i}]`;
        if (!isObject(r)) return badField(path, "expected an object");
        const problem = firstProblem(
          () => checkInteger(r.rate, `${path}.rate`, 0, MAX_VAT_RATE),
          () => checkAmount(r.gross, `${path}.gross`),
          () => checkAmount(r.net, `${path}.net`),
          () => checkAmount(r.vat, `${path}.vat`),
          () =>
            (r.net as number) + (r.vat as number) === r.gross
              ? null
              : badField(path, "expected gross = net + vat"),
        );
        if (problem !== null) return problem;
      }
      return null;
    },
    () => checkCount(m.unfinished, "unfinished"),
  );
}

/** Validates the body of an agent → register message (`type` and its fields). */
export function validateAgentMessage(m: Fields): Validation<AgentMessage> {
  const accept = (problem: Invalid | null): Validation<AgentMessage> =>
    problem ?? { ok: true, message: m as unknown as AgentMessage };
  switch (m.type) {
    case "sale":
      return accept(checkSale(m));
    case "receipt":
      return accept(
        firstProblem(
          () => checkId(m.saleId, "saleId"),
          () => checkBoolean(m.printed, "printed"),
          () => checkBoolean(m.copy, "copy"),
          () => checkCode(m.error, "error"),
        ),
      );
    case "totals":
      return accept(checkTotals(m));
    case "ping":
    case "pong":
      return accept(null);
    case "hello":
      return accept(checkHello(m, "agent"));
    default:
      return typeof m.type === "string"
        ? invalid("UNKNOWN_TYPE", `type: ${JSON.stringify(m.type).slice(0, 40)} is not an agent message`)
        : badField("type", "expected a string");
  }
}
