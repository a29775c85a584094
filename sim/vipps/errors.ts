import { AgentError, isAgentError } from "../../lib/errors.js";

/**
 * Errors of the simulator's own surface: its options and its control API (the simulated phone
 * and network). Errors that a Vipps MobilePay API would return are HTTP responses in that API's
 * own shape, never thrown.
 */
export type SimErrorCode =
  /** `startVippsSimulator` options are inconsistent (duplicate MSN, bad currency, …). */
  | "SIM_BAD_OPTIONS"
  /** A control call names something that does not exist (payment, QR, login, fault rule). */
  | "SIM_NOT_FOUND"
  /** A control call is malformed (bad MSISDN, bad behaviour, bad fault rule). */
  | "SIM_BAD_REQUEST"
  /** A control call does not fit the current state (approving an expired payment, …). */
  | "SIM_CONFLICT"
  /** The simulator has been closed. */
  | "SIM_CLOSED";

export type SimError = AgentError<SimErrorCode>;

export function simError(code: SimErrorCode, message: string, details?: Record<string, unknown>): SimError {
  return new AgentError<SimErrorCode>(code, message, details === undefined ? {} : { details });
}

const SIM_CODES: readonly SimErrorCode[] = [
  "SIM_BAD_OPTIONS",
  "SIM_NOT_FOUND",
  "SIM_BAD_REQUEST",
  "SIM_CONFLICT",
  "SIM_CLOSED",
];

export function isSimError(value: unknown, code?: SimErrorCode | readonly SimErrorCode[]): value is SimError {
  return isAgentError(value, code ?? SIM_CODES);
}
