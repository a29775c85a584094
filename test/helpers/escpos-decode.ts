/**
 * Reads ESC/POS bytes back for printer tests: text (decoded with the code page each `ESC t n`
 * selected, using Epson's ESC t numbering and code page tables generated from Python's codecs,
 * independent of the encoder under test), QR payloads of `GS ( k`, cuts and `DLE EOT` queries.
 * Unknown commands throw, so a test notices bytes it does not understand.
 */
export interface DecodedEscPos {
  /** Printed lines (LF-separated, CR ignored). */
  lines: string[];
  /** Code pages selected, in order. */
  codepages: string[];
  /** Data stored with `GS ( k` fn 80, as raw bytes. */
  qrPayloads: Buffer[];
  /** Error correction levels set with `GS ( k` fn 69 (`L`, `M`, `Q`, `H`). */
  qrErrorLevels: string[];
  /** `GS V` cuts. */
  cuts: number;
  /** `DLE EOT n` real-time status requests, by n. */
  statusQueries: number[];
}

/** Epson ESC t n → code page (ESC/POS command reference, "ESC t"). */
const EPSON_CODEPAGES: Readonly<Record<number, string>> = {
  0: "cp437",
  2: "cp850",
  5: "cp865",
  16: "windows1252",
  19: "cp858",
};

/** Characters 0x80–0xFF of each code page (Python codecs). */
const UPPER_HALF: Readonly<Record<string, string>> = {
  cp437:
    "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00a2\u00a3\u00a5\u20a7\u0192\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u2310\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255d\u255c\u255b\u2510\u2514\u2534\u252c\u251c\u2500\u253c\u255e\u255f\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256b\u256a\u2518\u250c\u2588\u2584\u258c\u2590\u2580\u03b1\u00df\u0393\u03c0\u03a3\u03c3\u00b5\u03c4\u03a6\u0398\u03a9\u03b4\u221e\u03c6\u03b5\u2229\u2261\u00b1\u2265\u2264\u2320\u2321\u00f7\u2248\u00b0\u2219\u00b7\u221a\u207f\u00b2\u25a0\u00a0",
  cp850:
    "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00f8\u00a3\u00d8\u00d7\u0192\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u00ae\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb\u2591\u2592\u2593\u2502\u2524\u00c1\u00c2\u00c0\u00a9\u2563\u2551\u2557\u255d\u00a2\u00a5\u2510\u2514\u2534\u252c\u251c\u2500\u253c\u00e3\u00c3\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u00a4\u00f0\u00d0\u00ca\u00cb\u00c8\u0131\u00cd\u00ce\u00cf\u2518\u250c\u2588\u2584\u00a6\u00cc\u2580\u00d3\u00df\u00d4\u00d2\u00f5\u00d5\u00b5\u00fe\u00de\u00da\u00db\u00d9\u00fd\u00dd\u00af\u00b4\u00ad\u00b1\u2017\u00be\u00b6\u00a7\u00f7\u00b8\u00b0\u00a8\u00b7\u00b9\u00b3\u00b2\u25a0\u00a0",
  cp858:
    "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00f8\u00a3\u00d8\u00d7\u0192\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u00ae\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb\u2591\u2592\u2593\u2502\u2524\u00c1\u00c2\u00c0\u00a9\u2563\u2551\u2557\u255d\u00a2\u00a5\u2510\u2514\u2534\u252c\u251c\u2500\u253c\u00e3\u00c3\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u00a4\u00f0\u00d0\u00ca\u00cb\u00c8\u20ac\u00cd\u00ce\u00cf\u2518\u250c\u2588\u2584\u00a6\u00cc\u2580\u00d3\u00df\u00d4\u00d2\u00f5\u00d5\u00b5\u00fe\u00de\u00da\u00db\u00d9\u00fd\u00dd\u00af\u00b4\u00ad\u00b1\u2017\u00be\u00b6\u00a7\u00f7\u00b8\u00b0\u00a8\u00b7\u00b9\u00b3\u00b2\u25a0\u00a0",
  cp865:
    "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00f8\u00a3\u00d8\u20a7\u0192\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u2310\u00ac\u00bd\u00bc\u00a1\u00ab\u00a4\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255d\u255c\u255b\u2510\u2514\u2534\u252c\u251c\u2500\u253c\u255e\u255f\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256b\u256a\u2518\u250c\u2588\u2584\u258c\u2590\u2580\u03b1\u00df\u0393\u03c0\u03a3\u03c3\u00b5\u03c4\u03a6\u0398\u03a9\u03b4\u221e\u03c6\u03b5\u2229\u2261\u00b1\u2265\u2264\u2320\u2321\u00f7\u2248\u00b0\u2219\u00b7\u221a\u207f\u00b2\u25a0\u00a0",
  windows1252:
    "\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178\u00a0\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7\u00a8\u00a9\u00aa\u00ab\u00ac\u00ad\u00ae\u00af\u00b0\u00b1\u00b2\u00b3\u00b4\u00b5\u00b6\u00b7\u00b8\u00b9\u00ba\u00bb\u00bc\u00bd\u00be\u00bf\u00c0\u00c1\u00c2\u00c3\u00c4\u00c5\u00c6\u00c7\u00c8\u00c9\u00ca\u00cb\u00cc\u00cd\u00ce\u00cf\u00d0\u00d1\u00d2\u00d3\u00d4\u00d5\u00d6\u00d7\u00d8\u00d9\u00da\u00db\u00dc\u00dd\u00de\u00df\u00e0\u00e1\u00e2\u00e3\u00e4\u00e5\u00e6\u00e7\u00e8\u00e9\u00ea\u00eb\u00ec\u00ed\u00ee\u00ef\u00f0\u00f1\u00f2\u00f3\u00f4\u00f5\u00f6\u00f7\u00f8\u00f9\u00fa\u00fb\u00fc\u00fd\u00fe\u00ff",
};

const ERROR_LEVELS: Readonly<Record<number, string>> = { 48: "L", 49: "M", 50: "Q", 51: "H" };

export function decodeEscPos(input: Uint8Array): DecodedEscPos {
  const bytes = Buffer.from(input);
  const out: DecodedEscPos = {
    lines: [],
    codepages: [],
    qrPayloads: [],
    qrErrorLevels: [],
    cuts: 0,
    statusQueries: [],
  };
  let page = "cp437";
  let line = "";
  const need = (i: number, n: number): void => {
    if (i + n > bytes.length) throw new Error(`truncated command at byte ${i}`);
  };
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0;
    if (b === 0x0a) {
      out.lines.push(line);
      line = "";
      i++;
    } else if (b === 0x0d) {
      i++;
    } else if (b === 0x1b) {
      need(i, 2);
      const c = bytes[i + 1] ?? 0;
      if (c === 0x40)
        i += 2; // ESC @ initialise
      else if (c === 0x74) {
        need(i, 3);
        const n = bytes[i + 2] ?? 0;
        const name = EPSON_CODEPAGES[n];
        if (name === undefined) throw new Error(`ESC t ${n}: code page not in the test table`);
        page = name;
        out.codepages.push(name);
        i += 3;
      } else if ([0x45, 0x4d, 0x61, 0x2d, 0x47, 0x64, 0x4a, 0x33, 0x21, 0x34, 0x7b, 0x20, 0x56].includes(c))
        i += 3; // one-parameter commands
      else if (c === 0x32)
        i += 2; // ESC 2 default line spacing
      else throw new Error(`unknown ESC 0x${c.toString(16)} at byte ${i}`);
    } else if (b === 0x1c) {
      need(i, 2);
      if (bytes[i + 1] === 0x2e)
        i += 2; // FS . cancel Kanji mode
      else throw new Error(`unknown FS 0x${(bytes[i + 1] ?? 0).toString(16)} at byte ${i}`);
    } else if (b === 0x1d) {
      need(i, 2);
      const c = bytes[i + 1] ?? 0;
      if (c === 0x21 || c === 0x42)
        i += 3; // GS ! size, GS B reverse
      else if (c === 0x56) {
        need(i, 3);
        const m = bytes[i + 2] ?? 0;
        out.cuts++;
        i += m === 65 || m === 66 ? 4 : 3;
      } else if (c === 0x28 && bytes[i + 2] === 0x6b) {
        need(i, 5);
        const length = (bytes[i + 3] ?? 0) + 256 * (bytes[i + 4] ?? 0);
        need(i + 5, length);
        const body = bytes.subarray(i + 5, i + 5 + length);
        const fn = body[1];
        if (body[0] === 0x31 && fn === 0x50) out.qrPayloads.push(Buffer.from(body.subarray(3)));
        if (body[0] === 0x31 && fn === 0x45) out.qrErrorLevels.push(ERROR_LEVELS[body[2] ?? 0] ?? "?");
        i += 5 + length;
      } else throw new Error(`unknown GS 0x${c.toString(16)} at byte ${i}`);
    } else if (b === 0x10) {
      need(i, 3);
      if (bytes[i + 1] !== 0x04)
        throw new Error(`unknown DLE 0x${(bytes[i + 1] ?? 0).toString(16)} at byte ${i}`);
      out.statusQueries.push(bytes[i + 2] ?? 0);
      i += 3;
    } else if (b >= 0x80) {
      const table = UPPER_HALF[page];
      if (table === undefined) throw new Error(`no table for ${page}`);
      line += table[b - 0x80] ?? "\ufffd";
      i++;
    } else if (b >= 0x20 && b < 0x7f) {
      line += String.fromCharCode(b);
      i++;
    } else {
      throw new Error(`unexpected control byte 0x${b.toString(16)} at byte ${i}`);
    }
  }
  if (line !== "") out.lines.push(line);
  return out;
}
