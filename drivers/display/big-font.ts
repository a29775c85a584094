/**
 * Bitmap fonts for the amount and the Login binding code in large characters. A glyph is rows
 * of `#` (ink) and space; one pixel is drawn as one column × one half row (a half-block
 * character), which is square on an 8×16 console font. Glyphs are separated by one blank
 * pixel column.
 */
export interface BigFont {
  readonly name: string;
  /** Pixel rows per glyph. */
  readonly height: number;
  readonly glyphs: ReadonlyMap<string, readonly string[]>;
}

function font(name: string, height: number, glyphs: Record<string, readonly string[]>): BigFont {
  for (const [char, rows] of Object.entries(glyphs)) {
    const width = rows[0]?.length ?? 0;
    if (rows.length !== height || rows.some((row) => row.length !== width)) {
      throw new Error(`glyph ${JSON.stringify(char)} of font ${name} is not ${height} rows of equal width`);
    }
  }
  return { name, height, glyphs: new Map(Object.entries(glyphs)) };
}

/** 5×7 pixels: digits, A–Z, and what amounts and binding codes need (`kr`, `€`, `,`, `.`, `-`). */
export const LARGE_FONT: BigFont = font("large", 7, {
  "0": [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
  "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
  "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
  "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
  "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
  "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
  "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
  "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
  "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
  "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
  A: [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
  B: ["#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "],
  C: [" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "],
  D: ["#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "],
  E: ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
  F: ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "],
  G: [" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"],
  H: ["#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
  I: [" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
  J: ["  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
  K: ["#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"],
  L: ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
  M: ["#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"],
  N: ["#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #"],
  O: [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
  P: ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
  Q: [" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"],
  R: ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
  S: [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
  T: ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
  U: ["#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
  V: ["#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "],
  W: ["#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # "],
  X: ["#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"],
  Y: ["#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "],
  Z: ["#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"],
  k: ["#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # "],
  r: ["     ", "     ", "# ## ", "##  #", "#    ", "#    ", "#    "],
  "€": ["  ###", " #   ", "#### ", " #   ", "#### ", " #   ", "  ###"],
  "-": ["   ", "   ", "   ", "###", "   ", "   ", "   "],
  ",": ["  ", "  ", "  ", "  ", "  ", " #", "# "],
  ".": [" ", " ", " ", " ", " ", " ", "#"],
  " ": ["  ", "  ", "  ", "  ", "  ", "  ", "  "],
});

/** 3×5 pixels, digits and amount symbols only: for 80×24 consoles where the QR takes half the width. */
export const SMALL_FONT: BigFont = font("small", 5, {
  "0": ["###", "# #", "# #", "# #", "###"],
  "1": [" # ", "## ", " # ", " # ", "###"],
  "2": ["###", "  #", "###", "#  ", "###"],
  "3": ["###", "  #", " ##", "  #", "###"],
  "4": ["# #", "# #", "###", "  #", "  #"],
  "5": ["###", "#  ", "###", "  #", "###"],
  "6": ["###", "#  ", "###", "# #", "###"],
  "7": ["###", "  #", "  #", " # ", " # "],
  "8": ["###", "# #", "###", "# #", "###"],
  "9": ["###", "# #", "###", "  #", "###"],
  k: ["#  ", "# #", "## ", "# #", "# #"],
  r: ["   ", "# #", "## ", "#  ", "#  "],
  "€": [" ##", "#  ", "## ", "#  ", " ##"],
  "-": ["   ", "   ", "###", "   ", "   "],
  ",": ["  ", "  ", "  ", " #", "# "],
  ".": [" ", " ", " ", " ", "#"],
  " ": [" ", " ", " ", " ", " "],
});

export function fontSupports(font: BigFont, text: string): boolean {
  return [...text].every((char) => font.glyphs.has(char));
}

/** Width in pixels (= columns) of `text` at `scale`, including the gaps between glyphs. */
export function bigTextWidth(font: BigFont, text: string, scale: number): number {
  const chars = [...text];
  let width = 0;
  for (const char of chars) width += (font.glyphs.get(char)?.[0]?.length ?? 0) * scale;
  return width + Math.max(0, chars.length - 1) * scale;
}

/**
 * `text` as a pixel bitmap (`true` = ink), `font.height × scale` rows. Characters the font
 * lacks are refused: callers check `fontSupports` first.
 */
export function bigTextBitmap(font: BigFont, text: string, scale: number): boolean[][] {
  const width = bigTextWidth(font, text, scale);
  const bitmap = Array.from({ length: font.height * scale }, () => new Array<boolean>(width).fill(false));
  let x = 0;
  for (const char of text) {
    const glyph = font.glyphs.get(char);
    if (glyph === undefined) throw new Error(`font ${font.name} has no glyph for ${JSON.stringify(char)}`);
    const glyphWidth = glyph[0]?.length ?? 0;
    glyph.forEach((row, gy) => {
      for (let gx = 0; gx < glyphWidth; gx++) {
        if (row[gx] !== "#") continue;
        for (let dy = 0; dy < scale; dy++) {
          const line = bitmap[gy * scale + dy];
          if (line) line.fill(true, x + gx * scale, x + (gx + 1) * scale);
        }
      }
    });
    x += (glyphWidth + 1) * scale;
  }
  return bitmap;
}
