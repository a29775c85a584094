/**
 * Receipt printer: receipts as ESC/POS bytes, three transports, status, and a print queue that
 * never blocks the payment path.
 *
 * - Documents (`PrintDocument`): `SaleReceipt` (header lines, date/time, till, receipt number,
 *   lines with quantity × unit price and discount, VAT per rate, total, paid with Vipps or
 *   MobilePay, reference and PSP reference, loyalty member, COPY on reprints), `RefundReceipt`,
 *   `EndOfDayReport`, `TestReceipt` (with `æøå ÆØÅ €` and a QR), `QrSticker` (the till's QR).
 * - Pure: `layoutDocument(doc, { columns, timeZone? }) → PrintBlock[]`,
 *   `encodeDocument(doc, { model, columns, timeZone? }) → Uint8Array` (receipt-printer-encoder:
 *   the model picks code pages and commands; QR via `GS ( k`; partial cut),
 *   `renderDocumentText(doc, { columns, timeZone? }) → string`. Documents arrive finished:
 *   VAT per rate is the checkout's (agent/checkout/vat.ts), printed as given.
 * - `ReceiptPrinter { status(), print(doc), close() }`; `createPrinter(uri, options)` for
 *   `usb:/dev/usb/lp0`, `serial:/dev/…?baud=19200`, `tcp://host:9100` (undefined for `none`).
 *   Status by `DLE EOT` with a timeout → online / paper_out / cover_open / offline / unknown;
 *   paper out, cover open and offline refuse the job (retryable), unknown prints anyway.
 * - `PrintQueue(printer, { retryIntervalMs, columns, onOutcome? })`: `enqueue({ id, document })
 *   → id` returns at once; retries; reports `{ jobId, printed: true }` or `{ jobId, printed:
 *   false, error, willRetry }` after every attempt.
 * - `FakePrinter`: renders receipts as plain text for the demo; `setStatus` simulates trouble.
 *
 * Errors are `AgentError<PrinterErrorCode>`.
 */
export type {
  EndOfDayReport,
  PrintDocument,
  QrSticker,
  ReceiptLine,
  RefundReceipt,
  SaleReceipt,
  TestReceipt,
} from "./document.js";
export type { PrinterErrorCode } from "./errors.js";
export { validateDocument } from "./validate-document.js";
export { CHARACTER_TEST_LINE } from "./layout-report.js";
export type { EncodeOptions } from "./escpos-encode.js";
export { ENCODER_COLUMNS, encodeDocument } from "./escpos-encode.js";
export { renderDocumentText } from "./text-render.js";
export { parsePrinterUri } from "./uri.js";
export type { PrinterStatusReport } from "./status.js";
export { interpretStatus } from "./status.js";
export type { PrinterConnection } from "./transport.js";
export type { ReceiptPrinter } from "./printer.js";
export { EscPosPrinter, createPrinter } from "./escpos-printer.js";
export type { PrintOutcome } from "./print-queue.js";
export { PrintQueue } from "./print-queue.js";
export { FakePrinter } from "./fake-printer.js";
