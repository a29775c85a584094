import type { Clock } from "../../lib/clock.js";
import type { Config } from "../../config/schema.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import {
  PrintQueue,
  type PrintDocument,
  type PrinterErrorCode,
  type ReceiptPrinter,
} from "../../drivers/printer/index.js";
import type { ReceiptHooks } from "./agent.js";
import type { ReceiptJob, ReceiptsPort } from "./ports.js";
import { receiptDocument } from "./receipt-documents.js";

/**
 * Receipts through the printer driver's queue: it never blocks the payment path and retries
 * while the printer is out of paper or offline. The journal hooks run around each attempt of a
 * sale's original receipt: "printing" just before its bytes leave (so a crash then makes the
 * next print a COPY), and the outcome after.
 */
export function printerReceipts(printer: ReceiptPrinter, config: Config, clock: Clock, logger: Logger) {
  return (hooks: ReceiptHooks): ReceiptsPort & { close(): Promise<void> } => {
    const saleOf = (jobId: string): string | undefined =>
      jobId.endsWith(":sale") ? jobId.slice(0, -":sale".length) : undefined;
    let last: "online" | "paper_out" | "cover_open" | "offline" = "online";
    const queue = new PrintQueue(printer, {
      retryIntervalMs: config.printer.retryIntervalMs,
      columns: config.printer.columns,
      clock,
      logger,
      beforePrint: (job) => {
        const saleId = saleOf(job.id);
        if (saleId !== undefined) hooks.starting(saleId);
      },
      onOutcome: (outcome) => {
        const saleId = saleOf(outcome.jobId);
        if (saleId !== undefined) hooks.finished(saleId, outcome.printed);
        last = outcome.printed ? "online" : printerState(outcome.error);
        if (!outcome.printed)
          logger.warn(
            { jobId: outcome.jobId, error: outcome.error, willRetry: outcome.willRetry },
            "receipt not printed",
          );
      },
    });
    return {
      configured: true,
      enqueue(job: ReceiptJob) {
        const document = receiptDocument(job, config, clock.now());
        if (document === undefined) return;
        try {
          queue.enqueue({ id: job.jobId, document });
        } catch (error) {
          logger.error(
            { jobId: job.jobId, err: errorMessage(error) },
            "receipt refused by the printer driver",
          );
        }
      },
      state: () => ({ state: last, queued: queue.pending.length }),
      printDocument(document: PrintDocument) {
        return { jobId: queue.enqueue({ id: `${document.kind}:${clock.now()}`, document }) };
      },
      close: () => queue.close(),
    };
  };
}

function printerState(error: PrinterErrorCode): "paper_out" | "cover_open" | "offline" {
  if (error === "PRINTER_PAPER_OUT") return "paper_out";
  if (error === "PRINTER_COVER_OPEN") return "cover_open";
  return "offline";
}
