import { closeSync, openSync, readSync, writeSync } from "node:fs";

/**
 * Synchronous reads and writes of whole streams in fixed-size pieces, for the loyalty import
 * and export: the members table is SQLite (synchronous), and a file of any size must pass in
 * bounded memory. stdin and stdout may be non-blocking pipes or terminals (EAGAIN): then the
 * call waits a moment and tries again instead of failing.
 */
const PIECE_BYTES = 64 * 1024;
const pause = new Int32Array(new SharedArrayBuffer(4));

function retryingOnEagain<T>(io: () => T): T {
  for (;;) {
    try {
      return io();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** The bytes of a file (or of stdin for `-`), PIECE_BYTES at a time. */
export function* readPieces(file: string): Generator<Uint8Array> {
  const fd = file === "-" ? 0 : openSync(file, "r");
  try {
    const buffer = Buffer.alloc(PIECE_BYTES);
    for (;;) {
      const n = retryingOnEagain(() => readSync(fd, buffer, 0, buffer.length, null));
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Writes every piece of text to `fd`, gathered into PIECE_BYTES writes. */
export function writeAll(fd: number, text: Iterable<string>): void {
  let pending: string[] = [];
  let size = 0;
  const flush = (): void => {
    const bytes = Buffer.from(pending.join(""), "utf8");
    pending = [];
    size = 0;
    for (let at = 0; at < bytes.length;)
      at += retryingOnEagain(() => writeSync(fd, bytes, at, bytes.length - at));
  };
  for (const piece of text) {
    pending.push(piece);
    size += piece.length;
    if (size >= PIECE_BYTES) flush();
  }
  if (size > 0) flush();
}
