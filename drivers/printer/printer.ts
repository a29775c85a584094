import type { PrintDocument } from "./document.js";
import type { PrinterStatusReport } from "./status.js";

/**
 * A receipt printer as the agent uses it. `print` resolves once the whole job has been handed
 * to the printer, and rejects with an `AgentError<PrinterErrorCode>`: `PRINTER_BAD_DOCUMENT`
 * or `PRINTER_BAD_CONFIG` (never retry), or a printer state (`PRINTER_PAPER_OUT`,
 * `PRINTER_COVER_OPEN`, `PRINTER_OFFLINE`, `PRINTER_WRITE_FAILED`, `PRINTER_TIMEOUT`; retry
 * later). The payment path never calls `print` directly: it goes through `PrintQueue`.
 */
export interface ReceiptPrinter {
  /** Asks the printer; resolves within the status timeout (plus connect time) and never rejects. */
  status(): Promise<PrinterStatusReport>;
  print(doc: PrintDocument): Promise<void>;
  /** Waits for the job in progress, then refuses new ones with `PRINTER_CLOSED`. */
  close(): Promise<void>;
}
