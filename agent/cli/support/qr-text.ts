import { QR_QUIET_ZONE, qrMatrix } from "../../../drivers/display/index.js";

const DARK_ON_LIGHT = "\u001b[30;47m";
const RESET = "\u001b[0m";

/**
 * The till's QR drawn in a terminal so the technician can scan it from the SSH session:
 * two module rows per text row with half blocks (modules come out square in a 1:2 font),
 * black on a light background whatever the terminal's own colours, with the 4-module quiet
 * zone ISO/IEC 18004 requires (qrcode-terminal draws only one). Same encoder and error level
 * as the customer display (drivers/display qrMatrix).
 */
export function qrTerminalText(content: string): string {
  const symbol = qrMatrix(content);
  const size = (symbol[0]?.length ?? 0) + 2 * QR_QUIET_ZONE;
  const light = (): boolean[] => new Array<boolean>(size).fill(false);
  const rows: boolean[][] = [
    ...Array.from({ length: QR_QUIET_ZONE }, light),
    ...symbol.map((row) => [
      ...new Array<boolean>(QR_QUIET_ZONE).fill(false),
      ...row,
      ...new Array<boolean>(QR_QUIET_ZONE).fill(false),
    ]),
    ...Array.from({ length: QR_QUIET_ZONE }, light),
  ];
  const lines: string[] = [];
  for (let y = 0; y < rows.length; y += 2) {
    const top = rows[y] ?? light();
    const bottom = rows[y + 1] ?? light();
    let line = "";
    for (let x = 0; x < size; x++) {
      const t = top[x] === true;
      const b = bottom[x] === true;
      line += t && b ? "\u2588" : t ? "\u2580" : b ? "\u2584" : " ";
    }
    lines.push(`${DARK_ON_LIGHT}${line}${RESET}`);
  }
  return `${lines.join("\n")}\n`;
}
