import { FINAL_SALE_STATES, SALE_STATES, type AgentMessage, type SaleState } from "./messages.js";
import { checkHello } from "./validate-register.js";
import {
  badField,
  checkAmount,
  checkBoolean,
  checkId,
  checkText,
  firstProblem,
  invalid,
  isObject,
  type Fields,
  type Invalid,
  type Validation,
} from "./validate-fields.js";

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
