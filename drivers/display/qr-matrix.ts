import qrcodeTerminal from "qrcode-terminal";
import { AgentError } from "../../lib/errors.js";
import { displayError } from "./errors.js";

/** Byte capacity of the largest QR code (version 40) at error correction M, byte mode (ISO/IEC 18004 table 7). */
const QR_MAX_BYTES_M = 2331;

/** Modules of light margin around the symbol; ISO/IEC 18004 §6.3.8 requires at least 4. */
export const QR_QUIET_ZONE = 4;

/**
 * The QR symbol for `content` as rows of modules (`true` = dark), without quiet zone. The
 * content is encoded byte for byte as its UTF-8 bytes in byte mode, error correction level M.
 *
 * qrcode-terminal is the encoder (design card); it writes `charCodeAt(i) & 0xff`, so the UTF-8
 * bytes are handed to it as a one-byte-per-char string. Its error level is module-global state,
 * and its `setErrorLevel("M")` silently does nothing (M is 0 and it tests `level || current`),
 * so the level property is set directly to M for this synchronous call and restored afterwards:
 * another user of the module is not affected.
 */
export function qrMatrix(content: string): boolean[][] {
  const bytes = Buffer.from(content, "utf8");
  if (bytes.length === 0) throw displayError("DISPLAY_BAD_SCREEN", "QR content is empty");
  if (bytes.length > QR_MAX_BYTES_M) {
    throw displayError(
      "DISPLAY_QR_TOO_LONG",
      `QR content is ${bytes.length} bytes; at most ${QR_MAX_BYTES_M} fit at error correction M`,
    );
  }
  const state = qrcodeTerminal as unknown as { error: number };
  const previous = state.error;
  let drawn = "";
  state.error = ERROR_LEVEL_M;
  try {
    qrcodeTerminal.generate(bytes.toString("latin1"), { small: false }, (output) => {
      drawn = output;
    });
  } finally {
    state.error = previous;
  }
  return parseTerminalQr(drawn);
}

/** qrcode-terminal's (and ISO/IEC 18004's format-information) value for level M. */
const ERROR_LEVEL_M = 0;

const DARK = "\u001b[40m  \u001b[0m";
const LIGHT = "\u001b[47m  \u001b[0m";

/**
 * qrcode-terminal's normal mode draws each module as two spaces on a black or white background,
 * inside a one-module light border. This reads that drawing back into modules.
 */
function parseTerminalQr(drawn: string): boolean[][] {
  const rows = drawn.split("\n").map((line) => {
    const cells: boolean[] = [];
    for (let i = 0; i < line.length;) {
      if (line.startsWith(DARK, i)) {
        cells.push(true);
        i += DARK.length;
      } else if (line.startsWith(LIGHT, i)) {
        cells.push(false);
        i += LIGHT.length;
      } else {
        throw new AgentError("INTERNAL", "unexpected qrcode-terminal output");
      }
    }
    return cells;
  });
  const inner = rows.slice(1, -1).map((row) => row.slice(1, -1));
  const size = inner.length;
  if (size < 21 || inner.some((row) => row.length !== size)) {
    throw new AgentError("INTERNAL", `qrcode-terminal drew a ${size}-row symbol that is not square`);
  }
  return inner;
}
