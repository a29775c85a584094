import { AgentError } from "../../../lib/errors.js";

/** Codes of the technician's commands themselves (the agent's codes pass through unchanged). */
export type CliErrorCode =
  /** No journal where the config says (the agent never ran with this config). */
  | "JOURNAL_MISSING"
  /** The journal cannot be opened safely as this user (e.g. root without a storage directory). */
  | "JOURNAL_NO_ACCESS"
  /** The journal is older than this release and a read-only command cannot migrate it. */
  | "JOURNAL_OUTDATED"
  | "JOURNAL_UNREADABLE"
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
