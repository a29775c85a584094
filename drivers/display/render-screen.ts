import type { Currency } from "../../lib/money.js";
import { isCurrency } from "../../lib/money.js";
import type { CellStyle } from "./canvas.js";
import { Canvas } from "./canvas.js";
import { displayError } from "./errors.js";
import { QR_QUIET_ZONE, qrMatrix } from "./qr-matrix.js";
import type { BrandSetting, Language } from "../../lib/locale/index.js";
import { BRAND_SETTINGS, brandName, isLanguage, resolveBrand } from "../../lib/locale/index.js";
import type { Screen } from "./screen.js";
import { validateScreen } from "./screen.js";
import type { ScreenContent, Tone } from "./screen-content.js";
import { qrFallbackLine, screenContent } from "./screen-content.js";
import type { TextBlock } from "./text-layout.js";
import { itemRows, layoutText } from "./text-layout.js";

export interface RenderOptions {
  /** Screen size in character cells; the same ranges as config `display.rows` / `display.columns`. */
  readonly rows: number;
  readonly columns: number;
  readonly language: Language;
  /** `auto` picks Vipps for NOK, MobilePay for DKK and EUR. */
  readonly brand: BrandSetting;
  /** The sales unit's currency (decides the brand under `auto`). */
  readonly currency: Currency;
}

export const MIN_ROWS = 10;
const MAX_ROWS = 500;
export const MIN_COLUMNS = 20;
const MAX_COLUMNS = 1000;
/** Narrowest text column beside a QR; below this the text goes above the QR instead. */
const MIN_TEXT_WIDTH = 20;

const SCREEN: CellStyle = { fg: 37, bg: 40, bold: false };
const TONE_FG: Readonly<Record<Tone, number>> = { normal: 97, good: 92, bad: 91, warn: 93 };
/** Vipps orange is VGA colour 3 (#AA5500) on the console; MobilePay blue is colour 4. */
const BRAND_BAR: Readonly<Record<"vipps" | "mobilepay", CellStyle>> = {
  vipps: { fg: 97, bg: 43, bold: true },
  mobilepay: { fg: 97, bg: 44, bold: true },
};
/** QR light modules are bright-white full blocks, dark modules the black background: maximum contrast. */
const QR_INK: CellStyle = { fg: 97, bg: 40, bold: true };

/**
 * The frame for `screen`: a full-screen redraw (clear, every cell written, cursor hidden) as a
 * string of text and ANSI codes. Pure: the same input gives the same frame.
 *
 * The QR encodes `qrContent` byte for byte at error correction M with a 4-module quiet zone.
 * One module is k columns × k half rows (square on the console's 1:2 cells); k is the largest
 * that fits beside the text (wide screens) or below it (narrow ones). When no scannable QR fits,
 * the screen says to scan the QR on the till instead.
 *
 * Throws `DISPLAY_BAD_SCREEN`, `DISPLAY_BAD_SIZE` or `DISPLAY_QR_TOO_LONG` for bad input.
 */
export function renderScreen(screen: Screen, options: RenderOptions): string {
  validateOptions(options);
  validateScreen(screen);
  const brand = resolveBrand(options.brand, options.currency);
  const content = screenContent(screen, options.language, brand);
  const canvas = new Canvas(options.rows, options.columns, SCREEN);
  canvas.fill(0, 0, options.rows, options.columns, SCREEN);

  const placed = content.qrContent === undefined ? undefined : placeQr(content, content.qrContent, options);
  const withHeader = placed === undefined || placed.header;
  const top = withHeader ? 1 : 0;
  if (withHeader) {
    const bar = BRAND_BAR[brand];
    canvas.fill(0, 0, 1, options.columns, bar);
    const name = brandName(brand);
    canvas.text(0, Math.floor((options.columns - name.length) / 2), name, bar);
  }
  const bodyRows = options.rows - top;

  if (placed !== undefined) {
    canvas.bitmap(placed.qrRow, placed.qrColumn, placed.pixels, QR_INK);
    drawText(canvas, placed.text, content.tone, placed.textRow, placed.textColumn, placed.textWidth);
    return canvas.toAnsi();
  }
  const fallback: ScreenContent =
    content.qrContent === undefined
      ? content
      : { ...content, lines: [...content.lines, content.qrFallback ?? qrFallbackLine(options.language)] };
  const width = options.columns - 4;
  const block =
    layoutText(fallback, width, bodyRows) ?? layoutText({ ...fallback, lines: [] }, width, bodyRows);
  if (block !== undefined)
    drawText(canvas, block, content.tone, top + Math.floor((bodyRows - block.height) / 2), 2, width);
  return canvas.toAnsi();
}

/**
 * Whether `screen` shows a scannable QR at this size (false for screens without one): what a
 * caller that shares a terminal with the display needs to know to give it enough rows.
 */
export function qrFits(screen: Screen, options: RenderOptions): boolean {
  validateOptions(options);
  validateScreen(screen);
  const content = screenContent(screen, options.language, resolveBrand(options.brand, options.currency));
  return content.qrContent !== undefined && placeQr(content, content.qrContent, options) !== undefined;
}

interface QrPlacement {
  readonly header: boolean;
  readonly pixels: boolean[][];
  readonly qrRow: number;
  readonly qrColumn: number;
  readonly text: TextBlock;
  readonly textRow: number;
  readonly textColumn: number;
  readonly textWidth: number;
}

function placeQr(content: ScreenContent, qrContent: string, options: RenderOptions): QrPlacement | undefined {
  const modules = qrMatrix(qrContent);
  const span = modules.length + 2 * QR_QUIET_ZONE;
  // The brand bar goes first when space is short: a scannable QR matters more.
  for (const header of [true, false]) {
    const top = header ? 1 : 0;
    const bodyRows = options.rows - top;
    const side = bestSideBySide(content, span, options.columns, bodyRows);
    const stacked = bestStacked(content, span, options.columns, bodyRows);
    const choice = side !== undefined && (stacked === undefined || side.k >= stacked.k) ? side : stacked;
    if (choice === undefined) continue;
    const qrRows = Math.ceil((span * choice.k) / 2);
    const pixels = qrPixels(modules, choice.k);
    if (choice === side) {
      return {
        header,
        pixels,
        qrRow: top + Math.floor((bodyRows - qrRows) / 2),
        qrColumn: options.columns - 1 - span * choice.k,
        text: choice.text,
        textRow: top + Math.floor((bodyRows - choice.text.height) / 2),
        textColumn: 1,
        textWidth: choice.width,
      };
    }
    const used = choice.text.height + 1 + qrRows;
    const textRow = top + Math.floor((bodyRows - used) / 2);
    return {
      header,
      pixels,
      qrRow: textRow + choice.text.height + 1,
      qrColumn: Math.floor((options.columns - span * choice.k) / 2),
      text: choice.text,
      textRow,
      textColumn: 2,
      textWidth: choice.width,
    };
  }
  return undefined;
}

interface Fit {
  readonly k: number;
  readonly text: TextBlock;
  readonly width: number;
}

/** QR at the right, text at the left: `1 + text + 2 + QR + 1` columns. */
function bestSideBySide(
  content: ScreenContent,
  span: number,
  columns: number,
  bodyRows: number,
): Fit | undefined {
  for (let k = Math.floor((2 * bodyRows) / span); k >= 1; k--) {
    const width = columns - span * k - 4;
    if (width < MIN_TEXT_WIDTH) continue;
    const text = layoutText(content, width, bodyRows);
    if (text !== undefined) return { k, text, width };
  }
  return undefined;
}

/** Text above, QR centred below, one blank row between them. */
function bestStacked(
  content: ScreenContent,
  span: number,
  columns: number,
  bodyRows: number,
): Fit | undefined {
  const width = columns - 4;
  for (let k = Math.floor((columns - 2) / span); k >= 1; k--) {
    const text = layoutText(content, width, bodyRows - Math.ceil((span * k) / 2) - 1);
    if (text !== undefined) return { k, text, width };
  }
  return undefined;
}

/** Pixels at half-row resolution, `true` = light (quiet zone and light modules). */
function qrPixels(modules: readonly (readonly boolean[])[], k: number): boolean[][] {
  const span = modules.length + 2 * QR_QUIET_ZONE;
  const pixels: boolean[][] = [];
  for (let y = 0; y < span * k; y++) {
    const my = Math.floor(y / k) - QR_QUIET_ZONE;
    const row: boolean[] = [];
    for (let x = 0; x < span * k; x++) {
      const mx = Math.floor(x / k) - QR_QUIET_ZONE;
      row.push(modules[my]?.[mx] !== true);
    }
    pixels.push(row);
  }
  return pixels;
}

function drawText(
  canvas: Canvas,
  block: TextBlock,
  tone: Tone,
  row: number,
  column: number,
  width: number,
): void {
  let r = row;
  for (const item of block.items) {
    if (item.kind === "line") {
      const style: CellStyle =
        item.role === "headline"
          ? { fg: TONE_FG[tone], bg: SCREEN.bg, bold: true }
          : item.role === "emphasis"
            ? { fg: 97, bg: SCREEN.bg, bold: true }
            : SCREEN;
      canvas.text(r, column + Math.floor((width - [...item.text].length) / 2), item.text, style);
    } else if (item.kind === "bitmap") {
      canvas.bitmap(r, column + Math.floor((width - item.width) / 2), item.pixels, {
        fg: TONE_FG[tone],
        bg: SCREEN.bg,
        bold: true,
      });
    }
    r += itemRows(item);
  }
}

function validateOptions(options: RenderOptions): void {
  const { rows, columns } = options;
  if (
    !Number.isInteger(rows) ||
    rows < MIN_ROWS ||
    rows > MAX_ROWS ||
    !Number.isInteger(columns) ||
    columns < MIN_COLUMNS ||
    columns > MAX_COLUMNS
  ) {
    throw displayError(
      "DISPLAY_BAD_SIZE",
      `display size ${columns}×${rows} is outside ${MIN_COLUMNS}–${MAX_COLUMNS} columns × ${MIN_ROWS}–${MAX_ROWS} rows`,
    );
  }
  if (!isLanguage(options.language))
    throw displayError("DISPLAY_BAD_SCREEN", `unknown language ${String(options.language)}`);
  if (!isCurrency(options.currency))
    throw displayError("DISPLAY_BAD_SCREEN", `unknown currency ${String(options.currency)}`);
  if (!(BRAND_SETTINGS as readonly string[]).includes(options.brand))
    throw displayError("DISPLAY_BAD_SCREEN", `unknown brand ${String(options.brand)}`);
}
