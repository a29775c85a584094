/**
 * Printer status from ESC/POS real-time status transmission, `DLE EOT n` (Epson ESC/POS
 * reference). The printer answers each request with one byte, even mid-job, of the form
 * `0xx1xx10` (bits 0, 1, 4, 7 fixed).
 * - n = 1 (printer status): bit 3 = offline.
 * - n = 2 (offline cause): bit 2 = cover open, bit 3 = paper being fed by the button,
 *   bit 5 = printing stopped at paper end, bit 6 = error.
 * - n = 4 (roll paper sensor): bits 5–6 = paper end (bits 2–3 = near end, not an error).
 */
export type PrinterStatus = "online" | "paper_out" | "cover_open" | "offline" | "unknown";

export interface PrinterStatusReport {
  readonly status: PrinterStatus;
  /** Why, in a few words (for logs and `pos-agent doctor`). */
  readonly detail: string;
  /** Paper is running low (informational). */
  readonly paperNearEnd?: boolean;
}

export const DLE_EOT_PRINTER = Uint8Array.of(0x10, 0x04, 1);
export const DLE_EOT_OFFLINE_CAUSE = Uint8Array.of(0x10, 0x04, 2);
export const DLE_EOT_PAPER = Uint8Array.of(0x10, 0x04, 4);

/** True for a byte that has the fixed bits of a real-time status answer. */
function isStatusByte(byte: number | undefined): byte is number {
  return byte !== undefined && (byte & 0b1001_0011) === 0b0001_0010;
}

/**
 * The status from the answers received (later ones may be missing after a timeout). No valid
 * answer to the first request means the printer cannot tell (`unknown`): printing still goes
 * ahead, because a status query must never gate printing (many printers, and the USB and
 * network adapters in front of them, never answer it).
 */
export function interpretStatus(
  printer: number | undefined,
  offlineCause?: number,
  paper?: number,
): PrinterStatusReport {
  if (!isStatusByte(printer)) return { status: "unknown", detail: "no answer to DLE EOT" };
  const cause = isStatusByte(offlineCause) ? offlineCause : 0;
  const roll = isStatusByte(paper) ? paper : 0;
  const paperNearEnd = (roll & 0b0000_1100) !== 0;
  if ((cause & 0b0000_0100) !== 0) return { status: "cover_open", detail: "cover open", paperNearEnd };
  if ((roll & 0b0110_0000) !== 0 || (cause & 0b0010_0000) !== 0)
    return { status: "paper_out", detail: "paper end", paperNearEnd };
  if ((printer & 0b0000_1000) !== 0) {
    const why =
      (cause & 0b0100_0000) !== 0
        ? "printer error"
        : (cause & 0b0000_1000) !== 0
          ? "paper feed button pressed"
          : "offline";
    return { status: "offline", detail: why, paperNearEnd };
  }
  return { status: "online", detail: paperNearEnd ? "online, paper near end" : "online", paperNearEnd };
}
