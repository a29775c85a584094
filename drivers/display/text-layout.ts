import type { BigFont } from "./big-font.js";
import { LARGE_FONT, SMALL_FONT, bigTextBitmap, bigTextWidth, fontSupports } from "./big-font.js";
import type { ScreenContent } from "./screen-content.js";

export type TextItem =
  | { readonly kind: "line"; readonly text: string; readonly role: "headline" | "body" | "emphasis" }
  /** Large characters; `pixels.length` half rows, so `ceil(length / 2)` text rows. */
  | { readonly kind: "bitmap"; readonly pixels: boolean[][]; readonly width: number }
  | { readonly kind: "gap" };

export interface TextBlock {
  readonly items: readonly TextItem[];
  /** Text rows used. */
  readonly height: number;
}

/** Largest scale tried for big text (a 7-pixel glyph at scale 8 is 28 rows). */
const MAX_SCALE = 8;
/** Big text takes at most this share of the rows, so the headline and hints stay on screen. */
const BIG_SHARE = 0.45;

/** Word-wraps `text` to `width` columns; words longer than a line are split. */
function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    let rest = word;
    while ([...rest].length > width) {
      if (current !== "") lines.push(current);
      current = "";
      const chars = [...rest];
      lines.push(chars.slice(0, width).join(""));
      rest = chars.slice(width).join("");
    }
    if (rest === "") continue;
    const candidate = current === "" ? rest : `${current} ${rest}`;
    if ([...candidate].length <= width) {
      current = candidate;
    } else {
      lines.push(current);
      current = rest;
    }
  }
  if (current !== "") lines.push(current);
  return lines;
}

interface BigChoice {
  readonly items: TextItem[];
  readonly rows: number;
}

/** Big-text renderings from largest to smallest, ending with plain text (always possible). */
function bigChoices(content: ScreenContent, width: number, maxBigRows: number): BigChoice[] {
  const big = content.big;
  if (big === undefined) return [{ items: [], rows: 0 }];
  const choices: BigChoice[] = [];
  const plain = wrapText(big.plain, width).map((text): TextItem => ({
    kind: "line",
    text,
    role: "emphasis",
  }));
  const fonts: { font: BigFont; scale: number }[] = [];
  for (let scale = MAX_SCALE; scale >= 1; scale--)
    fonts.push({ font: LARGE_FONT, scale }, { font: SMALL_FONT, scale });
  fonts.sort((a, b) => b.font.height * b.scale - a.font.height * a.scale);
  for (const candidate of [big.text, big.short]) {
    if (candidate === undefined) continue;
    for (const { font, scale } of fonts) {
      const rows = Math.ceil((font.height * scale) / 2);
      if (rows > maxBigRows || !fontSupports(font, candidate) || bigTextWidth(font, candidate, scale) > width)
        continue;
      const pixels = bigTextBitmap(font, candidate, scale);
      const items: TextItem[] = [{ kind: "bitmap", pixels, width: pixels[0]?.length ?? 0 }];
      if (candidate !== big.text) items.push(...plain);
      choices.push({ items, rows: rows + (candidate === big.text ? 0 : plain.length) });
      break;
    }
  }
  choices.push({ items: plain, rows: plain.length });
  return choices;
}

/**
 * Fits a screen's texts into `width` × `maxRows`: headline, big text (as large as fits), then
 * the hint lines, with blank rows between them when there is room. Undefined when even plain
 * text does not fit.
 */
export function layoutText(content: ScreenContent, width: number, maxRows: number): TextBlock | undefined {
  if (width < 1 || maxRows < 1) return undefined;
  const headline = wrapText(content.headline, width).map((text): TextItem => ({
    kind: "line",
    text,
    role: "headline",
  }));
  const body = content.lines
    .flatMap((line) => wrapText(line, width))
    .map((text): TextItem => ({ kind: "line", text, role: "body" }));
  const maxBigRows = Math.max(3, Math.floor(maxRows * BIG_SHARE));
  for (const big of bigChoices(content, width, maxBigRows)) {
    const rows = headline.length + big.rows + body.length;
    if (rows > maxRows) continue;
    const sections = [headline, big.items, body].filter((section) => section.length > 0);
    const gaps = sections.length - 1;
    const items: TextItem[] = [];
    sections.forEach((section, i) => {
      if (i > 0 && rows + gaps <= maxRows) items.push({ kind: "gap" });
      items.push(...section);
    });
    return { items, height: rows + (rows + gaps <= maxRows ? gaps : 0) };
  }
  return undefined;
}

export function itemRows(item: TextItem): number {
  return item.kind === "bitmap" ? Math.ceil(item.pixels.length / 2) : 1;
}
