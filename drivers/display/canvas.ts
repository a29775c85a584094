import { sanitizeText } from "../../lib/locale/index.js";

/**
 * A character-cell canvas that serialises to one ANSI frame. Only SGR codes that the Linux
 * console understands are used (console_codes(4)): 30–37 / 90–97 foreground, 40–47 background,
 * 1 bold. Block glyphs ▀ ▄ █ are in every VGA-derived console font.
 */
export interface CellStyle {
  /** SGR foreground: 30–37 or 90–97. */
  readonly fg: number;
  /** SGR background: 40–47. */
  readonly bg: number;
  readonly bold: boolean;
}

interface Cell {
  char: string;
  style: CellStyle;
}

const UPPER_HALF = "\u2580";
const LOWER_HALF = "\u2584";
const FULL_BLOCK = "\u2588";

/** Hide the cursor, no autowrap (writing the last cell must not scroll), home, clear. */
const FRAME_START = "\u001b[0m\u001b[?25l\u001b[?7l\u001b[H\u001b[2J";

export class Canvas {
  readonly rows: number;
  readonly columns: number;
  private readonly cells: Cell[][];

  constructor(rows: number, columns: number, style: CellStyle) {
    this.rows = rows;
    this.columns = columns;
    this.cells = Array.from({ length: rows }, () =>
      Array.from({ length: columns }, () => ({ char: " ", style })),
    );
  }

  fill(row: number, column: number, height: number, width: number, style: CellStyle): void {
    for (let r = row; r < row + height; r++) {
      for (let c = column; c < column + width; c++) this.put(r, c, " ", style);
    }
  }

  /** Writes `text` (sanitised, one cell per code point) from (row, column); clipped at the edge. */
  text(row: number, column: number, text: string, style: CellStyle): void {
    let c = column;
    for (const char of sanitizeText(text)) this.put(row, c++, char, style);
  }

  /**
   * Draws a bitmap at half-row resolution: pixel rows 2r and 2r+1 share text row `row + r`, one
   * pixel per column. `ink` pixels take the foreground of `ink`, the others its background.
   */
  bitmap(row: number, column: number, pixels: readonly (readonly boolean[])[], ink: CellStyle): void {
    for (let y = 0; y < pixels.length; y += 2) {
      const top = pixels[y] ?? [];
      const bottom = pixels[y + 1] ?? [];
      const width = Math.max(top.length, bottom.length);
      for (let x = 0; x < width; x++) {
        const t = top[x] === true;
        const b = bottom[x] === true;
        const char = t && b ? FULL_BLOCK : t ? UPPER_HALF : b ? LOWER_HALF : " ";
        this.put(row + y / 2, column + x, char, ink);
      }
    }
  }

  /** The whole canvas as one full-screen redraw. */
  toAnsi(): string {
    let out = FRAME_START;
    for (let r = 0; r < this.rows; r++) {
      out += `\u001b[${r + 1};1H`;
      let current: CellStyle | undefined;
      for (const cell of this.cells[r] ?? []) {
        if (current === undefined || !sameStyle(current, cell.style)) {
          current = cell.style;
          out += `\u001b[0;${current.bold ? "1;" : ""}${current.fg};${current.bg}m`;
        }
        out += cell.char;
      }
    }
    return `${out}\u001b[0m`;
  }

  private put(row: number, column: number, char: string, style: CellStyle): void {
    const cell = this.cells[row]?.[column];
    if (cell === undefined) return;
    cell.char = char;
    cell.style = style;
  }
}

function sameStyle(a: CellStyle, b: CellStyle): boolean {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold;
}
