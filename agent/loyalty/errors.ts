import { AgentError, isAgentError } from "../../lib/errors.js";

/**
 * Codes of agent/loyalty. Messages and details never carry a phone number, a name, a `sub`
 * or any other userinfo claim: they end up in logs and on the technician's terminal.
 */
export type LoyaltyErrorCode =
  /** A phone number that is not 10–15 digits with the country code. */
  | "LOYALTY_INVALID_MSISDN"
  /**
   * A members CSV with bad rows (`details.problems`: the first of them with their lines,
   * `details.problemCount`: how many in all), or a header that cannot be used (`details.header`).
   */
  | "LOYALTY_CSV_INVALID"
  /** A members CSV that cannot be read: missing, unreadable, or not UTF-8 text. */
  | "LOYALTY_CSV_UNREADABLE"
  /** The membership service answered with an unexpected status, or the connection failed. */
  | "LOYALTY_BACKEND_FAILED"
  /** The membership service did not answer within `loyalty.httpTimeoutMs`. */
  | "LOYALTY_BACKEND_TIMEOUT"
  /** The membership service answered 2xx with a body that is not the documented shape. */
  | "LOYALTY_BACKEND_BAD_RESPONSE"
  /** The caller's signal ended the request. */
  | "LOYALTY_ABORTED"
  /** Two members would share a phone number, member id or Vipps `sub`. */
  | "LOYALTY_CONFLICT"
  /** The loyalty options cannot work (e.g. the built-in backend without a database). */
  | "LOYALTY_BAD_OPTIONS";

export type LoyaltyError = AgentError<LoyaltyErrorCode>;

export function loyaltyError(
  code: LoyaltyErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): LoyaltyError {
  return new AgentError(code, message, options);
}

const CODES: readonly LoyaltyErrorCode[] = [
  "LOYALTY_INVALID_MSISDN",
  "LOYALTY_CSV_INVALID",
  "LOYALTY_CSV_UNREADABLE",
  "LOYALTY_BACKEND_FAILED",
  "LOYALTY_BACKEND_TIMEOUT",
  "LOYALTY_BACKEND_BAD_RESPONSE",
  "LOYALTY_ABORTED",
  "LOYALTY_CONFLICT",
  "LOYALTY_BAD_OPTIONS",
];

export function isLoyaltyError(
  value: unknown,
  code?: LoyaltyErrorCode | readonly LoyaltyErrorCode[],
): value is LoyaltyError {
  return isAgentError(value, code ?? CODES);
}
