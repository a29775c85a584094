import type { PrintDocument, PrinterStatusReport, ReceiptPrinter } from "../drivers/printer/index.js";
import { printerError } from "../drivers/printer/errors.js";
import type { PrintedReceipt } from "./invariants.js";

/**
 * The till's receipt printer: paper that came out stays out, whatever happens to the agent.
 * Each agent process talks to it through its own handle, the real print queue in front.
 */
export class SimPrinter {
  paperOut = false;

  forProcess(
    alive: () => boolean,
    point: (what: string) => void,
    out: (r: PrintedReceipt) => void,
    log: (line: string) => void,
  ): ReceiptPrinter {
    const paperOut = (): boolean => this.paperOut;
    return {
      status(): Promise<PrinterStatusReport> {
        const status = paperOut() ? "paper_out" : "online";
        return Promise.resolve({ status, detail: status });
      },
      print(doc: PrintDocument): Promise<void> {
        point("as receipt bytes leave");
        if (!alive()) return new Promise(() => undefined);
        if (paperOut()) return Promise.reject(printerError("PRINTER_PAPER_OUT", "simulated: paper out"));
        if (doc.kind === "sale") {
          out({ reference: doc.payment.reference, copy: doc.copy === true });
          log(`printer: receipt ${doc.payment.reference}${doc.copy === true ? " COPY" : ""}`);
        }
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  }
}
