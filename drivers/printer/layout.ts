import type { PrintDocument } from "./document.js";
import { printerError } from "./errors.js";
import { layoutRefund, layoutSale } from "./layout-receipt.js";
import { layoutEndOfDay, layoutQrSticker, layoutTest } from "./layout-report.js";
import type { PrintBlock } from "./print-blocks.js";
import { BlockWriter } from "./print-blocks.js";
import { validateDocument } from "./validate-document.js";

export interface LayoutOptions {
  /** Characters per line in font A (config `printer.columns`). */
  readonly columns: number;
  /** IANA time zone for printed times; the system's zone when omitted. */
  readonly timeZone?: string;
}

const MIN_COLUMNS = 24;
const MAX_COLUMNS = 64;

/**
 * Validates `doc` (`PRINTER_BAD_DOCUMENT`) and lays it out as print blocks. Pure: the same
 * document, columns and time zone give the same blocks.
 */
export function layoutDocument(doc: PrintDocument, options: LayoutOptions): PrintBlock[] {
  if (!Number.isInteger(options.columns) || options.columns < MIN_COLUMNS || options.columns > MAX_COLUMNS) {
    throw printerError(
      "PRINTER_BAD_CONFIG",
      `columns must be ${MIN_COLUMNS}–${MAX_COLUMNS}, not ${options.columns}`,
    );
  }
  validateDocument(doc);
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const w = new BlockWriter(options.columns);
  switch (doc.kind) {
    case "sale":
      layoutSale(w, doc, timeZone);
      break;
    case "refund":
      layoutRefund(w, doc, timeZone);
      break;
    case "end_of_day":
      layoutEndOfDay(w, doc, timeZone);
      break;
    case "test":
      layoutTest(w, doc, timeZone);
      break;
    case "qr_sticker":
      layoutQrSticker(w, doc);
      break;
  }
  return w.blocks;
}
