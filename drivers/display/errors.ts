import { AgentError } from "../../lib/errors.js";

/**
 * Error codes of the customer display. `DISPLAY_BAD_SCREEN` and `DISPLAY_BAD_SIZE` are caller
 * mistakes (nothing is drawn); `DISPLAY_WRITE_FAILED` means the frame did not reach the device.
 */
export type DisplayErrorCode =
  | "DISPLAY_BAD_SCREEN"
  | "DISPLAY_BAD_SIZE"
  | "DISPLAY_QR_TOO_LONG"
  | "DISPLAY_WRITE_FAILED"
  | "DISPLAY_CLOSED";

export type DisplayError = AgentError<DisplayErrorCode>;

export function displayError(
  code: DisplayErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): DisplayError {
  return new AgentError(code, message, options);
}
