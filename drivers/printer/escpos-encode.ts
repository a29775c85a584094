import ReceiptPrinterEncoder from "@point-of-sale/receipt-printer-encoder";
import type { PrintDocument } from "./document.js";
import { printerError } from "./errors.js";
import type { LayoutOptions } from "./layout.js";
import { layoutDocument } from "./layout.js";
import type { PrintBlock } from "./print-blocks.js";

type Codepage = NonNullable<
  ConstructorParameters<typeof ReceiptPrinterEncoder>[0]
>["codepageCandidates"] extends (infer C)[] | undefined
  ? C
  : never;

export interface EncodeOptions extends LayoutOptions {
  /** A printer model id of @point-of-sale/receipt-printer-encoder (config `printer.model`). */
  readonly model: string;
}

/** Line widths the encoder accepts (it refuses others). */
export const ENCODER_COLUMNS: readonly number[] = [32, 35, 42, 44, 48];

/**
 * Code pages tried first, so that æ ø å Æ Ø Å € and ä ö come from one page instead of hopping
 * between pages mid-word: PC858 (PC850 + €) is on every current Epson-compatible printer; the
 * rest cover other Latin, Greek and Cyrillic text. Only pages the model's table has are used.
 */
const PREFERRED_CODEPAGES: readonly Codepage[] = [
  "cp858",
  "cp865",
  "windows1252",
  "iso8859-15",
  "cp850",
  "cp437",
  "cp852",
  "windows1250",
  "cp857",
  "cp866",
  "windows1251",
  "cp737",
  "windows1253",
];

const candidatesByModel = new Map<string, Codepage[]>();

/** Model ids the encoder knows. */
function printerModels(): string[] {
  return ReceiptPrinterEncoder.printerModels.map((m) => m.id);
}

function newEncoder(options: EncodeOptions): ReceiptPrinterEncoder {
  if (!printerModels().includes(options.model)) {
    throw printerError(
      "PRINTER_BAD_CONFIG",
      `unknown printer model ${JSON.stringify(options.model)}; known: ${printerModels().join(", ")}`,
    );
  }
  if (!ENCODER_COLUMNS.includes(options.columns)) {
    throw printerError(
      "PRINTER_BAD_CONFIG",
      `the ESC/POS encoder supports ${ENCODER_COLUMNS.join(", ")} columns, not ${options.columns}`,
    );
  }
  const printerModel = options.model as NonNullable<
    ConstructorParameters<typeof ReceiptPrinterEncoder>[0]
  >["printerModel"];
  let candidates = candidatesByModel.get(options.model);
  if (candidates === undefined) {
    const probe = new ReceiptPrinterEncoder({ printerModel, columns: options.columns });
    candidates = PREFERRED_CODEPAGES.filter((page) => {
      try {
        probe.codepage(page);
        return true;
      } catch {
        return false;
      }
    });
    candidatesByModel.set(options.model, candidates);
  }
  return new ReceiptPrinterEncoder({
    printerModel,
    columns: options.columns,
    ...(candidates.length > 0 ? { codepageCandidates: candidates } : {}),
  });
}

/** The language the model speaks: `esc-pos` printers answer `DLE EOT` status queries. */
export function printerLanguage(model: string): string {
  return newEncoder({ model, columns: 42 }).language;
}

/**
 * Print blocks as printer bytes: initialise, automatic code pages (per model), text with
 * alignment/bold/double size, QR codes with the model's native command (`GS ( k` on ESC/POS,
 * model 2, error correction M), and a partial cut after the model's feed.
 */
function encodeBlocks(blocks: readonly PrintBlock[], options: EncodeOptions): Uint8Array {
  const encoder = newEncoder(options).initialize().codepage("auto");
  for (const block of blocks) {
    switch (block.kind) {
      case "text":
        encoder.align(block.align).bold(block.bold).size(block.size, block.size).line(block.text);
        encoder.bold(false).size(1, 1).align("left");
        break;
      case "qr":
        // The encoder sends the QR data as ISO 8859-1; handing it the UTF-8 bytes one per char
        // makes the printed QR carry the content byte for byte (UTF-8), whatever it contains.
        encoder
          .align("center")
          .qrcode(Buffer.from(block.content, "utf8").toString("latin1"), {
            model: 2,
            size: block.moduleSize,
            errorlevel: "m",
          })
          .align("left");
        break;
      case "feed":
        encoder.newline(block.lines);
        break;
      case "cut":
        encoder.cut("partial");
        break;
    }
  }
  return encoder.encode();
}

/** Validates, lays out and encodes a document: the bytes to send to the printer. */
export function encodeDocument(doc: PrintDocument, options: EncodeOptions): Uint8Array {
  return encodeBlocks(layoutDocument(doc, options), options);
}
