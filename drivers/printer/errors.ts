import { AgentError } from "../../lib/errors.js";

/**
 * Error codes of the receipt printer.
 * - Caller or configuration mistakes (never retried): `PRINTER_BAD_URI`, `PRINTER_BAD_CONFIG`
 *   (unknown model, unsupported columns, bad time zone), `PRINTER_BAD_DOCUMENT`.
 * - Printer states (a queued job is retried): `PRINTER_OFFLINE` (cannot connect, or the printer
 *   says it is offline), `PRINTER_PAPER_OUT`, `PRINTER_COVER_OPEN`, `PRINTER_WRITE_FAILED`,
 *   `PRINTER_TIMEOUT` (the printer stopped taking bytes).
 * - `PRINTER_CLOSED`: the printer or queue was closed.
 */
export type PrinterErrorCode =
  | "PRINTER_BAD_URI"
  | "PRINTER_BAD_CONFIG"
  | "PRINTER_BAD_DOCUMENT"
  | "PRINTER_OFFLINE"
  | "PRINTER_PAPER_OUT"
  | "PRINTER_COVER_OPEN"
  | "PRINTER_WRITE_FAILED"
  | "PRINTER_TIMEOUT"
  | "PRINTER_CLOSED";

export type PrinterError = AgentError<PrinterErrorCode>;

export const RETRYABLE_PRINTER_ERRORS: readonly PrinterErrorCode[] = [
  "PRINTER_OFFLINE",
  "PRINTER_PAPER_OUT",
  "PRINTER_COVER_OPEN",
  "PRINTER_WRITE_FAILED",
  "PRINTER_TIMEOUT",
];

export function printerError(
  code: PrinterErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): PrinterError {
  return new AgentError(code, message, options);
}
