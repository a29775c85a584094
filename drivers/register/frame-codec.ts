import { crc16, crcHex } from "./crc16.js";
import type { NakCode } from "./messages.js";
import { isSeq, MAX_FRAME_BYTES } from "./protocol.js";

/**
 * One frame per line: `<json>*<crc>\r\n` (docs/register-protocol.md §2). The CRC covers the
 * exact bytes of `<json>`; the separator is the last `*` on the line.
 */

const STAR = 0x2a;
const CR = 0x0d;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes a JSON object as a frame. JSON.stringify escapes every control character, so the
 * text never contains a raw CR or LF.
 */
export function encodeFrame(object: Readonly<Record<string, unknown>>): Uint8Array {
  const text = JSON.stringify(object);
  // One array for the whole line: the JSON's UTF-8 bytes, then `*`, the CRC and CRLF (ASCII).
  const length = Buffer.byteLength(text, "utf8");
  const frame = new Uint8Array(length + 7);
  encoder.encodeInto(text, frame);
  frame[length] = STAR;
  encoder.encodeInto(`${crcHex(crc16(frame, 0, length))}\r\n`, frame.subarray(length + 1));
  return frame;
}

/** The frame as text, for documents and logs (`<json>*<crc>` without the terminator). */
export function frameText(object: Readonly<Record<string, unknown>>): string {
  const json = JSON.stringify(object);
  return `${json}*${crcHex(crc16(encoder.encode(json)))}`;
}

export type DecodedLine =
  | { readonly kind: "frame"; readonly value: Record<string, unknown> }
  | {
      readonly kind: "damaged";
      readonly code: NakCode;
      /** The `seq` as far as it can be read from the damaged line, for the nak. */
      readonly seq: number | null;
      readonly reason: string;
      /** The line exceeded MAX_FRAME_BYTES and was discarded unread. */
      readonly oversized?: boolean;
    };

function isHexDigit(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))
  );
}

/** Best effort: the `seq` of a line we cannot trust, so the nak can name it. */
function guessSeq(line: Uint8Array): number | null {
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString("latin1");
  const match = /"seq"\s*:\s*(\d{1,10})\b/.exec(text);
  if (match === null) return null;
  const seq = Number(match[1]);
  return isSeq(seq) ? seq : null;
}

/**
 * Decodes one line without its LF (a trailing CR is removed here). Receivers accept the CRC in
 * either case; senders always write upper case.
 */
export function decodeLine(input: Uint8Array): DecodedLine {
  const line =
    input.length > 0 && input[input.length - 1] === CR ? input.subarray(0, input.length - 1) : input;
  const star = line.lastIndexOf(STAR);
  if (star < 0 || line.length - star !== 5 || ![1, 2, 3, 4].every((i) => isHexDigit(line[star + i]))) {
    return {
      kind: "damaged",
      code: "BAD_FRAME",
      seq: guessSeq(line),
      reason: "no `*` followed by 4 hex digits at the end of the line",
    };
  }
  const expected = parseInt(Buffer.from(line.subarray(star + 1)).toString("latin1"), 16);
  if (crc16(line, 0, star) !== expected) {
    return {
      kind: "damaged",
      code: "BAD_CRC",
      seq: guessSeq(line.subarray(0, star)),
      reason: "CRC mismatch",
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(line.subarray(0, star)));
  } catch {
    return {
      kind: "damaged",
      code: "BAD_FRAME",
      seq: guessSeq(line.subarray(0, star)),
      reason: "not UTF-8 JSON",
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "damaged", code: "BAD_FRAME", seq: null, reason: "not a JSON object" };
  }
  return { kind: "frame", value: value as Record<string, unknown> };
}

/** Bytes a line may hold before its LF: the frame limit includes the LF. */
const MAX_LINE_BYTES = MAX_FRAME_BYTES - 1;

/**
 * Splits a byte stream into lines and decodes them, incrementally. Memory is one fixed buffer
 * of MAX_FRAME_BYTES: a longer line is discarded up to the next LF and then reported once as a
 * damaged BAD_FRAME line (reported at the LF, so the sender's retransmission is not glued onto
 * the discarded tail). Empty lines are ignored.
 */
export class FrameReader {
  private readonly buffer = new Uint8Array(MAX_LINE_BYTES);
  private length = 0;
  private discarding = false;
  /** Lines discarded for exceeding MAX_FRAME_BYTES since this reader was created. */
  oversized = 0;

  /** Feeds a chunk; `onLine` is called for each complete line, in order. */
  push(chunk: Uint8Array, onLine: (line: DecodedLine) => void): void {
    let position = 0;
    while (position < chunk.length) {
      const lf = chunk.indexOf(0x0a, position);
      const end = lf < 0 ? chunk.length : lf;
      this.append(chunk, position, end);
      position = end + 1;
      if (lf < 0) break;
      this.finishLine(onLine);
    }
  }

  /** Bytes of the current partial line held in memory (never more than MAX_FRAME_BYTES). */
  get buffered(): number {
    return this.length;
  }

  /** Drops a partial line (after the device was reopened, its bytes belong to nothing). */
  reset(): void {
    this.length = 0;
    this.discarding = false;
  }

  private append(chunk: Uint8Array, start: number, end: number): void {
    if (this.discarding || end === start) return;
    if (this.length + (end - start) > MAX_LINE_BYTES) {
      this.discarding = true;
      this.length = 0;
      return;
    }
    this.buffer.set(chunk.subarray(start, end), this.length);
    this.length += end - start;
  }

  private finishLine(onLine: (line: DecodedLine) => void): void {
    if (this.discarding) {
      this.discarding = false;
      this.oversized++;
      onLine({
        kind: "damaged",
        code: "BAD_FRAME",
        seq: null,
        reason: `frame longer than ${MAX_FRAME_BYTES} bytes`,
        oversized: true,
      });
      return;
    }
    const length = this.length;
    this.length = 0;
    if (length === 0 || (length === 1 && this.buffer[0] === CR)) return;
    onLine(decodeLine(this.buffer.subarray(0, length)));
  }
}
