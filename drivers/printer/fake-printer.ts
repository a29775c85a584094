import type { PrintDocument } from "./document.js";
import type { PrinterErrorCode } from "./errors.js";
import { printerError } from "./errors.js";
import type { ReceiptPrinter } from "./printer.js";
import type { PrinterStatus, PrinterStatusReport } from "./status.js";
import { renderDocumentText } from "./text-render.js";

export interface FakePrinterOptions {
  readonly columns?: number;
  readonly timeZone?: string;
  /** Called with each printed receipt as plain text (the demo shows it). */
  readonly onPrint?: (text: string, doc: PrintDocument) => void;
}

const REFUSES: Partial<Record<PrinterStatus, PrinterErrorCode>> = {
  paper_out: "PRINTER_PAPER_OUT",
  cover_open: "PRINTER_COVER_OPEN",
  offline: "PRINTER_OFFLINE",
};

/**
 * A printer without hardware: renders each document as the real printer lays it out, as plain
 * text, and keeps it. `setStatus` simulates paper out, an open cover or a dead printer.
 */
export class FakePrinter implements ReceiptPrinter {
  readonly printed: { readonly doc: PrintDocument; readonly text: string }[] = [];
  private current: PrinterStatus = "online";
  private closed = false;

  constructor(private readonly options: FakePrinterOptions = {}) {}

  setStatus(status: PrinterStatus): void {
    this.current = status;
  }

  status(): Promise<PrinterStatusReport> {
    return Promise.resolve({ status: this.current, detail: `fake printer: ${this.current}` });
  }

  print(doc: PrintDocument): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) throw printerError("PRINTER_CLOSED", "the printer is closed");
      const text = renderDocumentText(doc, {
        columns: this.options.columns ?? 42,
        ...(this.options.timeZone === undefined ? {} : { timeZone: this.options.timeZone }),
      });
      const refused = REFUSES[this.current];
      if (refused !== undefined) throw printerError(refused, `fake printer: ${this.current}`);
      this.printed.push({ doc, text });
      this.options.onPrint?.(text, doc);
      resolve();
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
