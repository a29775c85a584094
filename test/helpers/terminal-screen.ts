import jsqrModule, { type QRCode } from "jsqr";

/**
 * A small virtual terminal for display tests: replays an ANSI frame into character cells, and
 * rasterises those cells to RGBA pixels the way a Linux console would draw them (VGA palette,
 * block glyphs), so jsQR can try to scan the screen like a phone would.
 */
interface TerminalCell {
  char: string;
  fg: number;
  bg: number;
  bold: boolean;
}

export interface TerminalScreen {
  rows: number;
  columns: number;
  cells: TerminalCell[][];
}

const BLANK = (): TerminalCell => ({ char: " ", fg: 37, bg: 40, bold: false });

/**
 * Replays `frame` on a `columns × rows` terminal as a real one shows it: CUP, ED, EL, SGR and
 * autowrap (DECAWM `?7h`/`?7l`, on at start); a newline on the last row, or a wrap there,
 * scrolls everything up a row. Other CSI sequences are ignored. Replaying a whole session's
 * output shows whether anything scrolled the picture away.
 */
export function replayFrame(frame: string, rows: number, columns: number): TerminalScreen {
  let cells = Array.from({ length: rows }, () => Array.from({ length: columns }, BLANK));
  let row = 0;
  let col = 0;
  let fg = 37;
  let bg = 40;
  let bold = false;
  let autowrap = true;
  const newline = (): void => {
    col = 0;
    if (row < rows - 1) row++;
    else cells = [...cells.slice(1), Array.from({ length: columns }, BLANK)];
  };
  const chars = [...frame];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? "";
    if (ch === "\u001b" && chars[i + 1] === "[") {
      let j = i + 2;
      let params = "";
      while (j < chars.length && /[0-9;?]/.test(chars[j] ?? "")) params += chars[j++];
      const final = chars[j];
      i = j;
      const numbers = params
        .replace("?", "")
        .split(";")
        .map((p) => (p === "" ? 0 : Number(p)));
      if (final === "H") {
        row = Math.min(rows, Math.max(1, numbers[0] ?? 1)) - 1;
        col = Math.min(columns, Math.max(1, numbers[1] ?? 1)) - 1;
      } else if (final === "J" && numbers[0] === 2) {
        for (const line of cells) for (let c = 0; c < line.length; c++) line[c] = BLANK();
      } else if (final === "K" && numbers[0] === 2) {
        const line = cells[row];
        if (line !== undefined) for (let c = 0; c < line.length; c++) line[c] = BLANK();
      } else if ((final === "h" || final === "l") && params === "?7") {
        autowrap = final === "h";
      } else if (final === "m") {
        for (const n of numbers.length === 0 ? [0] : numbers) {
          if (n === 0) [fg, bg, bold] = [37, 40, false];
          else if (n === 1) bold = true;
          else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) fg = n;
          else if (n >= 40 && n <= 47) bg = n;
        }
      }
      continue;
    }
    if (ch === "\n") {
      newline();
      continue;
    }
    if (ch === "\r") {
      col = 0;
      continue;
    }
    if (col >= columns) {
      if (autowrap) newline();
      else col = columns - 1;
    }
    const cell = cells[row]?.[col];
    if (cell !== undefined) Object.assign(cell, { char: ch, fg, bg, bold });
    col++;
  }
  return { rows, columns, cells };
}

/** The characters of each row (trailing spaces kept, so columns line up). */
export function screenText(screen: TerminalScreen): string[] {
  return screen.cells.map((line) => line.map((cell) => cell.char).join(""));
}

const NORMAL: [number, number, number][] = [
  [0, 0, 0],
  [170, 0, 0],
  [0, 170, 0],
  [170, 85, 0],
  [0, 0, 170],
  [170, 0, 170],
  [0, 170, 170],
  [170, 170, 170],
];
const BRIGHT: [number, number, number][] = [
  [85, 85, 85],
  [255, 85, 85],
  [85, 255, 85],
  [255, 255, 85],
  [85, 85, 255],
  [255, 85, 255],
  [85, 255, 255],
  [255, 255, 255],
];

function fgColour(cell: TerminalCell): [number, number, number] {
  if (cell.fg >= 90) return BRIGHT[cell.fg - 90] ?? [255, 255, 255];
  return (cell.bold ? BRIGHT : NORMAL)[cell.fg - 30] ?? [170, 170, 170];
}

function bgColour(cell: TerminalCell): [number, number, number] {
  return NORMAL[cell.bg - 40] ?? [0, 0, 0];
}

/**
 * RGBA pixels: each cell is `cellWidth × cellHeight` (1:2 like an 8×16 console font). ▀ ▄ █ fill
 * their halves with the foreground; any other visible character is drawn as a block of ink in
 * the middle of its cell (so text near a QR disturbs a scan as it would on a real screen).
 */
export function rasterise(
  screen: TerminalScreen,
  cellWidth = 4,
  cellHeight = 8,
): { data: Uint8ClampedArray; width: number; height: number } {
  const width = screen.columns * cellWidth;
  const height = screen.rows * cellHeight;
  const data = new Uint8ClampedArray(width * height * 4);
  const half = cellHeight / 2;
  screen.cells.forEach((line, r) =>
    line.forEach((cell, c) => {
      const fg = fgColour(cell);
      const bg = bgColour(cell);
      for (let y = 0; y < cellHeight; y++) {
        for (let x = 0; x < cellWidth; x++) {
          let ink: boolean;
          if (cell.char === "\u2588") ink = true;
          else if (cell.char === "\u2580") ink = y < half;
          else if (cell.char === "\u2584") ink = y >= half;
          else if (cell.char === " ") ink = false;
          else ink = x >= 1 && x < cellWidth - 1 && y >= 2 && y < cellHeight - 1;
          const [red, green, blue] = ink ? fg : bg;
          const o = ((r * cellHeight + y) * width + c * cellWidth + x) * 4;
          data[o] = red;
          data[o + 1] = green;
          data[o + 2] = blue;
          data[o + 3] = 255;
        }
      }
    }),
  );
  return { data, width, height };
}

/** The half-block text rows that draw `pixels` (the inverse of the display's bitmap drawing). */
export function bitmapRows(pixels: readonly (readonly boolean[])[]): string[] {
  const rows: string[] = [];
  for (let y = 0; y < pixels.length; y += 2) {
    const top = pixels[y] ?? [];
    const bottom = pixels[y + 1] ?? [];
    let line = "";
    for (let x = 0; x < top.length; x++) {
      const t = top[x] === true;
      const b = bottom[x] === true;
      line += t && b ? "\u2588" : t ? "\u2580" : b ? "\u2584" : " ";
    }
    rows.push(line);
  }
  return rows;
}

/** True when `block` (rows of equal length, BMP characters) appears at one position of `text`. */
export function containsBlock(text: readonly string[], block: readonly string[]): boolean {
  const first = block[0];
  if (first === undefined) return true;
  for (let r = 0; r + block.length <= text.length; r++) {
    const line = text[r] ?? "";
    for (let at = line.indexOf(first); at !== -1; at = line.indexOf(first, at + 1)) {
      if (block.every((b, i) => (text[r + i] ?? "").slice(at, at + b.length) === b)) return true;
    }
  }
  return false;
}

/**
 * jsQR on raw RGBA pixels. jsqr is CommonJS whose `module.exports` is the function and also
 * carries it as `.default`; under NodeNext its types only resolve through `.default`.
 */
export function decodeQrPixels(image: {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}): QRCode | null {
  return jsqrModule.default(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
}
