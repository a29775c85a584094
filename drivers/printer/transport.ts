import type { Clock, TimerHandle } from "../../lib/clock.js";

/**
 * A byte pipe to a printer, opened per job (a network printer often takes one connection at a
 * time; a USB printer may have been unplugged since the last job). All methods reject with plain
 * errors; `EscPosPrinter` turns them into printer error codes.
 */
export interface PrinterTransport {
  /** For logs: `tcp 10.0.0.5:9100`, `usb /dev/usb/lp0`. */
  readonly description: string;
  connect(timeoutMs: number): Promise<PrinterConnection>;
}

export interface PrinterConnection {
  /** Resolves when the bytes have been handed to the OS (socket, tty driver, usblp). */
  write(bytes: Uint8Array): Promise<void>;
  /** Up to `count` bytes from the printer; fewer (maybe none) when `timeoutMs` passes first. */
  read(count: number, timeoutMs: number): Promise<Uint8Array>;
  /** Drops bytes received so far (a late status answer must not be taken for the next one). */
  discardInput(): void;
  /** Releases the connection; never rejects. */
  close(): Promise<void>;
}

/** The most unread bytes kept; a printer only ever sends status bytes. */
const MAX_BUFFERED = 4096;

/** Received bytes and at most one pending read (connections are used one request at a time). */
export class InputBuffer {
  private data = Buffer.alloc(0);
  private waiter: { count: number; resolve: (bytes: Uint8Array) => void; timer: TimerHandle } | undefined;
  private ended = false;

  constructor(private readonly clock: Clock) {}

  push(chunk: Uint8Array): void {
    this.data = Buffer.concat([this.data, chunk]);
    if (this.data.length > MAX_BUFFERED) this.data = this.data.subarray(this.data.length - MAX_BUFFERED);
    if (this.waiter !== undefined && this.data.length >= this.waiter.count) this.settle();
  }

  /** No more bytes will come: a pending read resolves with what there is. */
  end(): void {
    this.ended = true;
    this.settle();
  }

  discard(): void {
    this.data = Buffer.alloc(0);
  }

  read(count: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.data.length >= count || this.ended) return Promise.resolve(this.take(count));
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => this.settle(), timeoutMs);
      this.waiter = { count, resolve, timer };
    });
  }

  private settle(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.waiter = undefined;
    this.clock.clearTimeout(waiter.timer);
    waiter.resolve(this.take(waiter.count));
  }

  private take(count: number): Uint8Array {
    const out = this.data.subarray(0, count);
    this.data = this.data.subarray(out.length);
    return Uint8Array.from(out);
  }
}
