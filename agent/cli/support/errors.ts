import { AgentError } from "../../../lib/errors.js";
import type { JournalAccessErrorCode } from "../../journal/journal-access.js";

/** Codes of the technician's commands themselves (the agent's codes pass through unchanged). */
export type CliErrorCode =
  | JournalAccessErrorCode
  /** A money-moving command was not confirmed (answered no, or no terminal and no --yes). */
  | "NOT_CONFIRMED";

export type CliError = AgentError<CliErrorCode>;

export function cliError(
  code: CliErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): CliError {
  return new AgentError(code, message, options);
}
